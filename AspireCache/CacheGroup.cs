using System.Diagnostics;

namespace AspireCache;

/// <summary>A named cache namespace: a byte-bounded store, a loader, and the peers that own the keys this node does not.</summary>
/// <remarks>
/// A get is answered from the local store when it can be, or from the hot cache, which keeps copies of
/// in-demand values that other nodes own. Otherwise the key's owner provides it: a peer, asked over the
/// network, or this node, which calls the loader and keeps the value. Concurrent misses for one key share
/// one peer fetch or one load. If the owner peer fails, this node loads the key itself, so a client never
/// sees a peer's failure.
/// </remarks>
[DebuggerDisplay("{Name}: {Store.Count} entries, {Store.Bytes} bytes")]
public sealed class CacheGroup : IDisposable
{
    private readonly IPeerPicker _peers;

    // Two kinds of flight, so that a peer request, which must never be forwarded, cannot join a flight
    // that is waiting on another peer: two nodes whose rings disagree would otherwise wait on each other.
    private readonly SingleFlight<string, CacheResult> _peerFetches = new(StringComparer.Ordinal);
    private readonly SingleFlight<string, CacheResult> _loads = new(StringComparer.Ordinal);
    private readonly LoadRunner _loadRunner;
    private readonly HotCache? _hot;

    /// <summary>Creates a group.</summary>
    /// <param name="name">The group's name, unique in the cluster; it tags the group's metrics.</param>
    /// <param name="loader">Loads a key that this node owns and does not hold.</param>
    /// <param name="options">Capacity, limits and timeouts; defaults when null.</param>
    /// <param name="peers">Picks the owner of a key; <see cref="NoPeers"/> when null.</param>
    public CacheGroup(string name, CacheLoader loader, CacheGroupOptions? options = null, IPeerPicker? peers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(loader);
        options ??= new CacheGroupOptions();
        options.Validate();

        Name = name;
        MaxKeyBytes = options.MaxKeyBytes;
        NodeName = options.NodeName;
        RecordKeys = options.RecordKeys;
        MaxValueBytes = options.MaxValueBytes;
        LoadTimeout = options.LoadTimeout;
        long hotBytes = (long)(options.CapacityBytes * options.HotCacheShare);
        Store = new LruStore(options.CapacityBytes - hotBytes);
        _hot = hotBytes > 0 ? new HotCache(hotBytes) : null;
        _peers = peers ?? NoPeers.Instance;
        _loadRunner = new LoadRunner(this, loader, options);
        CacheMetrics.Register(this);
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>The longest key accepted, in UTF-8 bytes.</summary>
    public int MaxKeyBytes { get; }

    /// <summary>This node's member name, if it was given one.</summary>
    public string? NodeName { get; }

    /// <summary>Whether spans may carry keys in clear.</summary>
    public bool RecordKeys { get; }

    /// <summary>The largest value accepted, in bytes.</summary>
    public int MaxValueBytes { get; }

    /// <summary>How long a load may take, waiting for a slot included.</summary>
    public TimeSpan LoadTimeout { get; }

    /// <summary>The values this node owns and has loaded, or loaded because their owner failed.</summary>
    public LruStore Store { get; }

    /// <summary>Copies of in-demand values that other nodes own; null when the group's hot share is zero.</summary>
    public LruStore? HotStore => _hot?.Store;

    /// <summary>Loads calling the source right now (at most the group's <see cref="CacheGroupOptions.MaxConcurrentLoads"/>).</summary>
    public int ActiveLoads => _loadRunner.Slots.Active;

    internal long LoadSlotsQueued => _loadRunner.Slots.Queued;

    internal long LoadSlotsRejected => _loadRunner.Slots.Rejected;

    /// <summary>The group's running totals.</summary>
    public CacheGroupStats Stats { get; } = new();

    /// <summary>Gets a key's value for a client: from the store, the hot cache, the owner peer, or the loader.</summary>
    /// <param name="key">A non-empty key of at most <see cref="MaxKeyBytes"/> UTF-8 bytes.</param>
    /// <param name="cancellationToken">Stops this caller's wait; a fetch or load shared with others goes on.</param>
    /// <exception cref="InvalidCacheKeyException">The key is empty, '.' or '..', too long, or not valid UTF-16.</exception>
    /// <exception cref="CacheKeyNotFoundException">The source has no value for the key.</exception>
    /// <exception cref="CacheSourceException">The source failed, took longer than <see cref="LoadTimeout"/>, or gave a value over <see cref="MaxValueBytes"/>.</exception>
    /// <exception cref="Exception">Whatever else the loader threw; a failure is not cached, though for the group's failure backoff the same failure is handed out again.</exception>
    public ValueTask<CacheResult> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        long started = CacheMetrics.GetDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        Interlocked.Increment(ref Stats.GetsCount);

        CacheSource source;
        if (Store.TryGet(key, out ReadOnlyMemory<byte> value))
        {
            source = CacheSource.Hit;
        }
        else if (_hot is not null && _hot.Store.TryGet(key, out value))
        {
            source = CacheSource.Hot;
        }
        else
        {
            return GetMissAsync(key, started, cancellationToken);
        }

        CountOutcome(source);
        RecordGet(started, source);
        TraceHit(CacheTracing.GetSpan, key, source);
        return new ValueTask<CacheResult>(new CacheResult(value, source));
    }

    /// <summary>
    /// Gets a key's value for a peer: from the store or from this node's loader, never from another peer,
    /// so that a request cannot bounce between nodes whose rings disagree.
    /// </summary>
    /// <inheritdoc cref="GetAsync" path="/param"/>
    /// <inheritdoc cref="GetAsync" path="/exception"/>
    public ValueTask<CacheResult> GetLocallyAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        Interlocked.Increment(ref Stats.PeerRequestsCount);

        if (Store.TryGet(key, out ReadOnlyMemory<byte> value))
        {
            TraceHit(CacheTracing.ServePeerSpan, key, CacheSource.Hit);
            return new ValueTask<CacheResult>(new CacheResult(value, CacheSource.Hit));
        }

        return ServePeerMissAsync(key, cancellationToken);
    }

    /// <summary>Throws <see cref="InvalidCacheKeyException"/> unless the key is one this group accepts.</summary>
    public void ValidateKey(string key) => CacheKeyRules.Validate(key, MaxKeyBytes, Name);

    /// <summary>Stops publishing the group's metrics.</summary>
    public void Dispose() => CacheMetrics.Unregister(this);

    private async ValueTask<CacheResult> GetMissAsync(string key, long started, CancellationToken cancellationToken)
    {
        using Activity? activity = CacheTracing.Start(CacheTracing.GetSpan, this, key);
        try
        {
            FlightTicket<CacheResult> flight;
            string? owner;
            if (_peers.TryPickPeer(key, out ICachePeer? peer))
            {
                _hot?.RecordDemand(key);
                flight = _peerFetches.Run(key, (Group: this, Peer: peer), static (k, s) => s.Group.FetchFromPeerAsync(k, s.Peer));
                owner = peer.Name;
            }
            else
            {
                flight = _loads.Run(key, this, static (k, g) => g.LoadAsync(k));
                owner = NodeName;
            }

            Joined(activity, flight);
            CacheResult result = await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

            // Counted by outcome, so that hits and misses agree with what callers were told: a value
            // that a flight found stored just before it started is a hit.
            CountOutcome(result.Source);
            RecordGet(started, result.Source);
            CacheTracing.Served(activity, result.Source, owner);
            return result;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref Stats.MissesCount);
            CacheTracing.Failed(activity, ex);
            throw;
        }
    }

    private async ValueTask<CacheResult> ServePeerMissAsync(string key, CancellationToken cancellationToken)
    {
        using Activity? activity = CacheTracing.Start(CacheTracing.ServePeerSpan, this, key);
        try
        {
            FlightTicket<CacheResult> flight = _loads.Run(key, this, static (k, g) => g.LoadAsync(k));
            Joined(activity, flight);
            CacheResult result = await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            CacheTracing.Served(activity, result.Source, NodeName);
            return result;
        }
        catch (Exception ex)
        {
            CacheTracing.Failed(activity, ex);
            throw;
        }
    }

    private async Task<CacheResult> FetchFromPeerAsync(string key, ICachePeer peer)
    {
        // Checked again inside the flight, for the same reason as in LoadAsync.
        if (_hot is not null && _hot.Store.TryGet(key, out ReadOnlyMemory<byte> hot))
        {
            return new CacheResult(hot, CacheSource.Hot);
        }

        using (Activity? activity = CacheTracing.Start(CacheTracing.PeerFetchSpan, this, key))
        {
            activity?.SetTag(CacheTracing.PeerTag, peer.Name);
            try
            {
                ReadOnlyMemory<byte> value = await peer.GetAsync(Name, key, CancellationToken.None).ConfigureAwait(false);
                if (value.Length > MaxValueBytes)
                {
                    throw CacheValueTooLargeException.For(Name, value.Length, MaxValueBytes);
                }

                Interlocked.Increment(ref Stats.PeerFetchesCount);

                // Not kept in the store: the owner keeps it, and one copy per cluster is what makes the
                // cluster's capacity the sum of its nodes'. Only keys in demand get a hot copy.
                _hot?.Offer(key, value);
                return new CacheResult(value, CacheSource.Peer);
            }
            catch (CacheKeyNotFoundException ex)
            {
                // The owner's source has no such key: an answer to pass on, not a reason to ask the source again.
                Interlocked.Increment(ref Stats.PeerNotFoundCount);
                CacheTracing.Failed(activity, ex);
                throw;
            }
            catch (CacheSourceException ex)
            {
                // The owner answered: its source failed (or its value is over our limit). Loading here
                // would only hit that source again.
                if (ex is CacheValueTooLargeException)
                {
                    Interlocked.Increment(ref Stats.ValuesTooLargeCount);
                }

                Interlocked.Increment(ref Stats.PeerSourceErrorsCount);
                CacheTracing.Failed(activity, ex);
                throw;
            }
            catch (Exception ex)
            {
                // The peer's client logs the cause; here the only job is to answer anyway.
                Interlocked.Increment(ref Stats.PeerErrorsCount);
                CacheTracing.Failed(activity, ex);
            }
        }

        FlightTicket<CacheResult> load = _loads.Run(key, this, static (k, g) => g.LoadAsync(k));
        CountCollapse(load.Joined);
        return await load.Task.ConfigureAwait(false);
    }

    private async Task<CacheResult> LoadAsync(string key)
    {
        // Checked again inside the flight. A caller can miss the store just before the previous flight
        // for this key stores its value and lands; without this check it would start a second load of
        // a value that is already here.
        if (Store.TryGet(key, out ReadOnlyMemory<byte> cached))
        {
            return new CacheResult(cached, CacheSource.Hit);
        }

        // A key whose load just failed gets that failure again until its backoff has passed.
        _loadRunner.ThrowIfRemembered(key);

        ReadOnlyMemory<byte> value;
        using (Activity? activity = CacheTracing.Start(CacheTracing.LoadSpan, this, key))
        {
            value = await _loadRunner.LoadAsync(key, activity).ConfigureAwait(false);
        }

        if (!Store.Add(key, value))
        {
            // Served, but larger than the whole store: every get of it will load it again.
            Interlocked.Increment(ref Stats.UncacheableCount);
        }

        return new CacheResult(value, CacheSource.Load);
    }

    private void Joined(Activity? activity, FlightTicket<CacheResult> flight)
    {
        CountCollapse(flight.Joined);
        if (flight.Joined)
        {
            CacheTracing.Joined(activity, flight.Leader);
        }
    }

    private void TraceHit(string span, string key, CacheSource source)
    {
        if (CacheTracing.Source.HasListeners())
        {
            using Activity? activity = CacheTracing.Start(span, this, key);
            CacheTracing.Served(activity, source, null);
        }
    }

    // A hot hit is a hit, answered from this node's memory, and also counted on its own.
    private void CountOutcome(CacheSource source)
    {
        bool hit = source is CacheSource.Hit or CacheSource.Hot;
        Interlocked.Increment(ref hit ? ref Stats.HitsCount : ref Stats.MissesCount);
        if (source == CacheSource.Hot)
        {
            Interlocked.Increment(ref Stats.HotHitsCount);
        }
    }

    private void CountCollapse(bool joined)
    {
        if (joined)
        {
            Interlocked.Increment(ref Stats.CollapsesCount);
        }
    }

    private void RecordGet(long started, CacheSource source)
    {
        if (started != 0)
        {
            CacheMetrics.GetDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(CacheMetrics.GroupTag, Name),
                new KeyValuePair<string, object?>(CacheMetrics.ResultTag, CacheSourceNames.NameOf(source)));
        }
    }
}
