using System.Diagnostics;

namespace AspireCache;

/// <summary>Removals, writes and clears: taken by one node and passed to every member of its ring.</summary>
/// <remarks>
/// <para>
/// The owner hears first, the other members after it. A member that drops its hot copy and fetches the
/// key again then finds the owner's new state, never the old value. Soon after a membership change, the
/// key's previous owners hear before the owner, for the same reason (see <see cref="RingPeerPicker.PreviousOwnersOf(string)"/>). A clear is passed in two rounds for
/// the same reason: everything everywhere, then the hot copies everywhere again, which drops any copy
/// fetched in between from an owner not yet cleared.
/// </para>
/// <para>
/// A change is sent to every peer this node knows, in its ring or not, and waits for each (every peer
/// has its own timeout): a caller that gives up must not leave members untold, so the methods take no
/// cancellation token. Success means that every member in the ring when the change started
/// acknowledged it; a peer outside the ring that does not is the transport's to deal with
/// (<see cref="ICachePeer"/>: it throws only once the peer can no longer serve the old state).
/// </para>
/// <para>
/// A load or peer fetch that was under way when a change arrived stores nothing: it read its key's
/// version and the group's generation when it started (<see cref="KeyVersions"/>), and they no longer
/// match. The callers that were already waiting for it still get its value; later callers start anew.
/// </para>
/// </remarks>
public sealed partial class CacheGroup
{
    /// <summary>
    /// Removes a key from the cluster: from its owner's store and from every member's memory, so that the
    /// next get loads it from the source again.
    /// </summary>
    /// <exception cref="InvalidCacheKeyException">The key is not one this group accepts.</exception>
    /// <exception cref="CacheInvalidationException">Some members of the ring did not acknowledge; the others did.</exception>
    public async Task RemoveAsync(string key)
    {
        ValidateKey(key);
        using Activity? activity = CacheTracing.Start(CacheTracing.RemoveSpan, this, key);
        Interlocked.Increment(ref Stats.RemovesCount);
        var change = new Change(_peers);
        IReadOnlyList<ICachePeer> previous = await TellPreviousOwnersAsync(key, change).ConfigureAwait(false);
        if (_peers.TryPickPeer(key, out ICachePeer? owner))
        {
            await TellAsync(owner, (Group: Name, Key: key), static (p, s) => p.RemoveAsync(s.Group, s.Key, CancellationToken.None), change).ConfigureAwait(false);
        }

        Remove(key);
        await TellAllAsync([owner, .. previous], (Group: Name, Key: key), static (p, s) => p.RemoveAsync(s.Group, s.Key, CancellationToken.None), change).ConfigureAwait(false);
        Finish(activity, change);
    }

    /// <summary>
    /// Stores a value at the key's owner, in place of what the source would give, and drops every other
    /// member's copy. It lives until it expires or is evicted; the next get after that loads the
    /// source's value again.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value; the owner keeps this memory (or a copy of a slice of it), so do not change it afterwards.</param>
    /// <param name="timeToLive">How long it may be served; null for the group's time to live, which is also the upper bound. Zero removes the key.</param>
    /// <exception cref="InvalidCacheKeyException">The key is not one this group accepts.</exception>
    /// <exception cref="CacheValueTooLargeException">The value is larger than <see cref="MaxValueBytes"/>; nothing changed.</exception>
    /// <exception cref="CacheInvalidationException">
    /// The owner or other members did not acknowledge. If the owner is among them, the value was not
    /// stored; the other members dropped their copies all the same.
    /// </exception>
    public async Task WriteAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null)
    {
        ValidateWrite(key, value, timeToLive);
        using Activity? activity = CacheTracing.Start(CacheTracing.WriteSpan, this, key);
        Interlocked.Increment(ref Stats.WritesCount);
        var change = new Change(_peers);
        IReadOnlyList<ICachePeer> previous = await TellPreviousOwnersAsync(key, change).ConfigureAwait(false);
        if (_peers.TryPickPeer(key, out ICachePeer? owner))
        {
            await TellAsync(owner, (Group: Name, Key: key, Value: value, Ttl: timeToLive), static (p, s) => p.WriteAsync(s.Group, s.Key, s.Value, s.Ttl, CancellationToken.None), change).ConfigureAwait(false);
            Remove(key);
        }
        else
        {
            Write(key, value, timeToLive);
        }

        await TellAllAsync([owner, .. previous], (Group: Name, Key: key), static (p, s) => p.RemoveAsync(s.Group, s.Key, CancellationToken.None), change).ConfigureAwait(false);
        Finish(activity, change);
    }

    /// <summary>Clears the group on every member of the ring, in O(1) per member: lookups stop seeing the old values at once.</summary>
    /// <exception cref="CacheInvalidationException">Some members of the ring did not acknowledge; the others did.</exception>
    public async Task ClearAsync()
    {
        using Activity? activity = CacheTracing.Source.StartActivity(CacheTracing.ClearSpan);
        activity?.SetTag(CacheMetrics.GroupTag, Name);
        Interlocked.Increment(ref Stats.ClearsCount);
        var change = new Change(_peers);
        Clear(hotOnly: false);
        await TellAllAsync([], (Group: Name, HotOnly: false), static (p, s) => p.ClearAsync(s.Group, s.HotOnly, CancellationToken.None), change).ConfigureAwait(false);
        Clear(hotOnly: true);
        await TellAllAsync([], (Group: Name, HotOnly: true), static (p, s) => p.ClearAsync(s.Group, s.HotOnly, CancellationToken.None), change).ConfigureAwait(false);
        Finish(activity, change);
    }

    /// <summary>Removes a key from this node's store and hot cache only: what a peer's <see cref="RemoveAsync"/> asks of this node.</summary>
    /// <exception cref="InvalidCacheKeyException">The key is not one this group accepts.</exception>
    public void RemoveLocally(string key)
    {
        ValidateKey(key);
        Interlocked.Increment(ref Stats.PeerRemovesCount);
        Remove(key);
    }

    /// <summary>Stores a value in this node's store only, as the key's owner: what a peer's <see cref="WriteAsync"/> asks of this node.</summary>
    /// <inheritdoc cref="WriteAsync" path="/param"/>
    /// <exception cref="InvalidCacheKeyException">The key is not one this group accepts.</exception>
    /// <exception cref="CacheValueTooLargeException">The value is larger than <see cref="MaxValueBytes"/>; nothing changed.</exception>
    public void WriteLocally(string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null)
    {
        ValidateWrite(key, value, timeToLive);
        Interlocked.Increment(ref Stats.PeerWritesCount);
        Write(key, value, timeToLive);
    }

    /// <summary>Clears this node's part of the group: everything, or only the hot copies. What a peer's <see cref="ClearAsync"/> asks of this node.</summary>
    public void ClearLocally(bool hotOnly = false)
    {
        Interlocked.Increment(ref Stats.PeerClearsCount);
        Clear(hotOnly);
    }

    private void ValidateWrite(string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive)
    {
        ValidateKey(key);
        if (value.Length > MaxValueBytes)
        {
            Interlocked.Increment(ref Stats.ValuesTooLargeCount);
            throw CacheValueTooLargeException.For(Name, value.Length, MaxValueBytes);
        }

        if (timeToLive < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeToLive), timeToLive, "A time to live cannot be negative.");
        }
    }

    private void Remove(string key)
    {
        Detach(key);
        Store.Remove(key);
    }

    private void Write(string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive)
    {
        Detach(key);
        long now = _clock.Now;
        long expiresAt = _lifetimes.ExpiryOfWrite(timeToLive, now);
        if (expiresAt == ValueLifetimes.DoNotKeep)
        {
            Store.Remove(key);
        }
        else if (Store.Add(key, value, now, expiresAt, 0, static _ => true) is null)
        {
            Interlocked.Increment(ref Stats.UncacheableCount);
        }
    }

    // What a removal and a write share: the key's flights, hot copy and remembered answers go. The version
    // is bumped before any store is touched: a flight's check-and-store under a store's lock then either
    // comes before the change, which replaces or removes its value, or sees the new version.
    private void Detach(string key)
    {
        _versions.Bump(key);
        _loads.Forget(key);
        _peerFetches.Forget(key);
        _hot?.Store.Remove(key);
        _loadRunner.Forget(key);
    }

    // O(1): the generation is bumped first, so that a flight which finds the new store also finds its
    // stamp out of date; the old store is left to the collector.
    private void Clear(bool hotOnly)
    {
        if (!hotOnly)
        {
            Volatile.Write(ref _clearedAt, ChangeSequence.Next());
            Interlocked.Increment(ref _generation);
            LruStore retired = _store;
            _store = new LruStore(_storeCapacityBytes);
            Interlocked.Add(ref _retiredEvictions, retired.Evictions);
            _loads.ForgetAll();
            _loadRunner.ForgetAll();
        }

        Interlocked.Increment(ref _hotGeneration);
        _hot?.Clear();
        _peerFetches.ForgetAll();
    }

    // Soon after a membership change, a key's previous owners hear of its removal or write before its owner:
    // a new owner that asks them for the key (a hand-off) then cannot find the old value there. Some of them
    // may have left the ring, and are told all the same while they can still be asked.
    private async Task<IReadOnlyList<ICachePeer>> TellPreviousOwnersAsync(string key, Change change)
    {
        IReadOnlyList<ICachePeer> previous = _peers is RingPeerPicker ring ? ring.PreviousOwnersOf(key) : [];
        if (previous.Count > 0)
        {
            var told = new List<Task>(previous.Count);
            foreach (ICachePeer peer in previous)
            {
                told.Add(TellAsync(peer, (Group: Name, Key: key), static (p, s) => p.RemoveAsync(s.Group, s.Key, CancellationToken.None), change));
            }

            await Task.WhenAll(told).ConfigureAwait(false);
        }

        return previous;
    }

    private async Task TellAllAsync<TState>(ICachePeer?[] except, TState state, Func<ICachePeer, TState, ValueTask> tell, Change change)
    {
        var told = new List<Task>();
        foreach (ICachePeer peer in change.Peers)
        {
            if (Array.IndexOf(except, peer) < 0)
            {
                told.Add(TellAsync(peer, state, tell, change));
            }
        }

        await Task.WhenAll(told).ConfigureAwait(false);
    }

    private async Task TellAsync<TState>(ICachePeer peer, TState state, Func<ICachePeer, TState, ValueTask> tell, Change change)
    {
        try
        {
            await tell(peer, state).ConfigureAwait(false);
        }
        catch (Exception ex) when (CachePeerException.IsPeerFailure(ex))
        {
            // The peer's client logs the cause; what matters here is who has not heard.
            change.Missed(peer.Name);
        }
#pragma warning disable CA1031 // A bug of this process at one member must not keep the change from the others.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            CacheInternalErrors.Report(_meters, _logger, CacheInternalErrors.Change, Name, peer.Name, ex);
            change.Broke(peer.Name, ex);
        }
    }

    private void Finish(Activity? activity, Change change)
    {
        Interlocked.Add(ref Stats.UnacknowledgedCount, change.MissedCount);
        Exception? failure = change.InternalError(Name);
        if (failure is null && change.MissedInRing() is { Count: > 0 } missed)
        {
            failure = new CacheInvalidationException(Name, missed);
        }

        if (failure is null)
        {
            return;
        }

        CacheTracing.Failed(activity, failure);
        throw failure;
    }

    /// <summary>One change: the peers it goes to, the ring when it started, and who did not acknowledge.</summary>
    private sealed class Change(IPeerPicker picker)
    {
        private readonly HashSet<string> _ring = [.. picker.RingPeers.Select(peer => peer.Name)];
        private readonly SortedSet<string> _missed = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, Exception> _broken = new(StringComparer.Ordinal);

        public IReadOnlyCollection<ICachePeer> Peers { get; } = picker.Peers;

        public int MissedCount
        {
            get
            {
                lock (_missed)
                {
                    return _missed.Count;
                }
            }
        }

        public void Missed(string peer)
        {
            lock (_missed)
            {
                _missed.Add(peer);
            }
        }

        /// <summary>An internal error (a bug, not the peer's failure) stopped the change at <paramref name="peer"/>.</summary>
        public void Broke(string peer, Exception error)
        {
            lock (_missed)
            {
                _broken.TryAdd(peer, error);
            }
        }

        /// <summary>The change's outcome when an internal error stopped it somewhere, in or out of the ring; null when none did.</summary>
        public CacheInternalErrorException? InternalError(string group)
        {
            lock (_missed)
            {
                return _broken.Count == 0 ? null : new CacheInternalErrorException(group, [.. _broken.Keys], _broken.Values.First());
            }
        }

        // Only members of the ring count against success: a peer out of it was not expected to answer.
        public List<string> MissedInRing()
        {
            lock (_missed)
            {
                return [.. _missed.Where(_ring.Contains)];
            }
        }
    }
}
