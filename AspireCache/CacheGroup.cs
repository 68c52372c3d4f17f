using System.Diagnostics;
using System.Text;

namespace AspireCache;

/// <summary>A named cache namespace: a byte-bounded store, a loader, and the peers that own the keys this node does not.</summary>
/// <remarks>
/// A get is answered from the local store when it can be. Otherwise the key's owner provides it: a peer,
/// asked over the network, or this node, which calls the loader and keeps the value. Concurrent misses for
/// one key share one peer fetch or one load. If the owner peer fails, this node loads the key itself, so a
/// client never sees a peer's failure.
/// </remarks>
[DebuggerDisplay("{Name}: {Store.Count} entries, {Store.Bytes} bytes")]
public sealed class CacheGroup : IDisposable
{
    private readonly CacheLoader _loader;
    private readonly IPeerPicker _peers;

    // Two kinds of flight, so that a peer request, which must never be forwarded, cannot join a flight
    // that is waiting on another peer: two nodes whose rings disagree would otherwise wait on each other.
    private readonly SingleFlight<string, CacheResult> _peerFetches = new(StringComparer.Ordinal);
    private readonly SingleFlight<string, CacheResult> _loads = new(StringComparer.Ordinal);
    private readonly RecentFailures _recentFailures;

    /// <summary>Creates a group.</summary>
    /// <param name="name">The group's name, unique in the cluster; it tags the group's metrics.</param>
    /// <param name="loader">Loads a key that this node owns and does not hold.</param>
    /// <param name="options">Capacity and key limits; defaults when null.</param>
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
        Store = new LruStore(options.CapacityBytes);
        _loader = loader;
        _peers = peers ?? NoPeers.Instance;
        _recentFailures = new RecentFailures(options.FailureBackoff, options.TimeProvider);
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

    /// <summary>The values this node owns and has loaded, or loaded because their owner failed.</summary>
    public LruStore Store { get; }

    /// <summary>The group's running totals.</summary>
    public CacheGroupStats Stats { get; } = new();

    /// <summary>Gets a key's value for a client: from the store, from the owner peer, or from the loader.</summary>
    /// <param name="key">A non-empty key of at most <see cref="MaxKeyBytes"/> UTF-8 bytes.</param>
    /// <param name="cancellationToken">Stops this caller's wait; a fetch or load shared with others goes on.</param>
    /// <exception cref="InvalidCacheKeyException">The key is empty, '.' or '..', too long, or not valid UTF-16.</exception>
    /// <exception cref="Exception">Whatever the loader threw; a failure is not cached, though for the group's failure backoff the same failure is handed out again.</exception>
    public ValueTask<CacheResult> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        long started = CacheMetrics.GetDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        Interlocked.Increment(ref Stats.GetsCount);

        if (Store.TryGet(key, out ReadOnlyMemory<byte> value))
        {
            Interlocked.Increment(ref Stats.HitsCount);
            RecordGet(started, CacheSource.Hit);
            TraceHit(CacheTracing.GetSpan, key);
            return new ValueTask<CacheResult>(new CacheResult(value, CacheSource.Hit));
        }

        return GetMissAsync(key, started, cancellationToken);
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
            TraceHit(CacheTracing.ServePeerSpan, key);
            return new ValueTask<CacheResult>(new CacheResult(value, CacheSource.Hit));
        }

        return ServePeerMissAsync(key, cancellationToken);
    }

    /// <summary>Throws <see cref="InvalidCacheKeyException"/> unless the key is one this group accepts.</summary>
    public void ValidateKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidCacheKeyException("A cache key must not be empty.");
        }

        if (key is "." or "..")
        {
            // URLs resolve these as path segments, so no peer or source could be asked for them.
            throw new InvalidCacheKeyException("'.' and '..' cannot be cache keys: a URL path cannot carry them as a segment.");
        }

        // UTF-8 takes at least one byte per UTF-16 char and at most three, so most keys need no counting;
        // a surrogate is checked strictly because a lone one cannot travel to a peer intact.
        bool mayBeTooLong = key.Length > MaxKeyBytes / 3;
        bool hasSurrogates = key.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF');
        if (!mayBeTooLong && !hasSurrogates)
        {
            return;
        }

        int bytes;
        try
        {
            bytes = key.Length > MaxKeyBytes ? key.Length : StrictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            throw new InvalidCacheKeyException("A cache key must be valid Unicode; this one has an unpaired surrogate.");
        }

        if (bytes > MaxKeyBytes)
        {
            throw new InvalidCacheKeyException(
                $"A cache key of group '{Name}' may have at most {MaxKeyBytes} UTF-8 bytes; this one has {(key.Length > MaxKeyBytes ? "more than " + MaxKeyBytes : bytes)}.");
        }
    }

    /// <summary>Stops publishing the group's metrics.</summary>
    public void Dispose() => CacheMetrics.Unregister(this);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private async ValueTask<CacheResult> GetMissAsync(string key, long started, CancellationToken cancellationToken)
    {
        using Activity? activity = CacheTracing.Start(CacheTracing.GetSpan, this, key);
        try
        {
            FlightTicket<CacheResult> flight;
            string? owner;
            if (_peers.TryPickPeer(key, out ICachePeer? peer))
            {
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
            Interlocked.Increment(ref result.Source == CacheSource.Hit ? ref Stats.HitsCount : ref Stats.MissesCount);
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
        using (Activity? activity = CacheTracing.Start(CacheTracing.PeerFetchSpan, this, key))
        {
            activity?.SetTag(CacheTracing.PeerTag, peer.Name);
            try
            {
                ReadOnlyMemory<byte> value = await peer.GetAsync(Name, key, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref Stats.PeerFetchesCount);

                // Not kept in the store: the owner keeps it, and one copy per cluster is what makes the
                // cluster's capacity the sum of its nodes'.
                return new CacheResult(value, CacheSource.Peer);
            }
            catch (CacheSourceException ex)
            {
                // The owner answered: its source failed. Loading here would only hit that source again.
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
        _recentFailures.ThrowIfRecent(key);

        using Activity? activity = CacheTracing.Start(CacheTracing.LoadSpan, this, key);
        long started = Stopwatch.GetTimestamp();
        ReadOnlyMemory<byte> value;
        try
        {
            value = await _loader(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref Stats.LoadErrorsCount);
            RecordLoad(started, "error");
            CacheTracing.Failed(activity, ex);
            _recentFailures.Remember(key, ex);
            throw;
        }

        Interlocked.Increment(ref Stats.LoadsCount);
        RecordLoad(started, "success");
        Store.Add(key, value);
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

    private void TraceHit(string span, string key)
    {
        if (CacheTracing.Source.HasListeners())
        {
            using Activity? activity = CacheTracing.Start(span, this, key);
            CacheTracing.Served(activity, CacheSource.Hit, null);
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

    private void RecordLoad(long started, string outcome)
    {
        if (CacheMetrics.LoadDuration.Enabled)
        {
            CacheMetrics.LoadDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(CacheMetrics.GroupTag, Name),
                new KeyValuePair<string, object?>(CacheMetrics.OutcomeTag, outcome));
        }
    }
}
