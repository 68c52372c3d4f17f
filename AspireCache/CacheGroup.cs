using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspireCache;

/// <summary>A named cache namespace: a byte-bounded store, a loader, and the peers that own the keys this node does not.</summary>
/// <remarks>
/// A get is answered from the local store when it can be, or from the hot cache, which keeps copies of
/// in-demand values that other nodes own. Otherwise the key's owner provides it: a peer, asked over the
/// network, or this node, which calls the loader and keeps the value. Concurrent misses for one key share
/// one peer fetch or one load. If the owner peer fails, this node loads the key itself, so a client never
/// sees a peer's failure. Values can expire (<see cref="CacheGroupOptions.TimeToLive"/>); removals, writes
/// and clears reach every member of the ring (<see cref="RemoveAsync"/>).
/// </remarks>
[DebuggerDisplay("{Name}: {Store.Count} entries, {Store.Bytes} bytes")]
public sealed partial class CacheGroup : IDisposable
{
    private readonly IPeerPicker _peers;

    // Two kinds of flight, so that a peer request, which must never be forwarded, cannot join a flight
    // that is waiting on another peer: two nodes whose rings disagree would otherwise wait on each other.
    private readonly SingleFlight<string, CacheResult> _peerFetches;
    private readonly SingleFlight<string, CacheResult> _loads;
    private readonly LoadRunner _loadRunner;
    private readonly HotCache? _hot;
    private readonly CacheClock _clock;
    private readonly ValueLifetimes _lifetimes;
    private readonly KeyVersions _versions = new();
    private readonly long _storeCapacityBytes;
    private readonly HitRatioEstimator? _curve;
    private readonly HotKeyTracker? _hotKeys;
    private readonly IMeterFactory? _meters;
    private readonly ILogger _logger;
    private volatile LruStore _store;
    private long _retiredEvictions;

    // Bumped by a clear of everything (_generation) or of hot copies too (_hotGeneration), so that a flight
    // that started before a clear stores nothing after it.
    private int _generation;

    // The ChangeSequence number of the latest clear of everything: a hand-off must not bring back what it cleared.
    private long _clearedAt;
    private int _hotGeneration;

    /// <summary>Creates a group.</summary>
    /// <param name="name">The group's name, unique in the cluster; it tags the group's metrics.</param>
    /// <param name="loader">Loads a key that this node owns and does not hold.</param>
    /// <param name="options">Capacity, lifetimes, limits and timeouts; defaults when null.</param>
    /// <param name="peers">Picks the owner of a key; when null, this node owns every key.</param>
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
        TelemetryKeyHash = options.KeyHashSecret is null ? null : new TelemetryKeyHash(options.KeyHashSecret);
        MaxValueBytes = options.MaxValueBytes;
        LoadTimeout = options.LoadTimeout;
        long hotBytes = (long)(options.CapacityBytes * options.HotCacheShare);
        _storeCapacityBytes = options.CapacityBytes - hotBytes;
        _store = new LruStore(_storeCapacityBytes);
        _curve = options.MissRatioCurve ? new HitRatioEstimator(_storeCapacityBytes) : null;
        _hot = hotBytes > 0 ? new HotCache(hotBytes) : null;
        _hotKeys = options.HotKeys > 0 ? new HotKeyTracker(options.HotKeys, options.TimeProvider, countEveryGet: options.HotKeysCountEveryGet) : null;
        _peers = peers ?? NoPeers.Instance;
        _clock = new CacheClock(options.TimeProvider);
        _lifetimes = new ValueLifetimes(options);
        _loadRunner = new LoadRunner(this, loader, options);
        _meters = options.MeterFactory;
        _logger = options.LoggerFactory?.CreateLogger<CacheGroup>() ?? NullLogger<CacheGroup>.Instance;
        Metrics = CacheMetrics.For(options.MeterFactory);
        _loads = new SingleFlight<string, CacheResult>(StringComparer.Ordinal, callers => RecordHerd(CacheMetrics.LoadFlight, callers));
        _peerFetches = new SingleFlight<string, CacheResult>(StringComparer.Ordinal, callers => RecordHerd(CacheMetrics.PeerFetchFlight, callers));
        Metrics.Register(this);
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>The longest key accepted, in UTF-8 bytes.</summary>
    public int MaxKeyBytes { get; }

    /// <summary>This node's member name, if it was given one.</summary>
    public string? NodeName { get; }

    /// <summary>Whether spans and hot-key lists may show keys in clear.</summary>
    public bool RecordKeys { get; }

    /// <summary>The hash telemetry shows instead of a key; null when the group has no <see cref="CacheGroupOptions.KeyHashSecret"/>.</summary>
    public TelemetryKeyHash? TelemetryKeyHash { get; }

    /// <summary>The largest value accepted, in bytes.</summary>
    public int MaxValueBytes { get; }

    /// <summary>How long a load may take, waiting for a slot included.</summary>
    public TimeSpan LoadTimeout { get; }

    /// <summary>The store: the values this node owns and has loaded or been written, or loaded because their owner failed.</summary>
    public CacheStoreStats StoreStats => new(_store.Count, _store.Bytes, _store.CapacityBytes);

    /// <summary>The hot cache: copies of in-demand values that other nodes own; all zero when the group's hot share is zero.</summary>
    public CacheStoreStats HotStoreStats => _hot is null ? default : new(_hot.Store.Count, _hot.Store.Bytes, _hot.Store.CapacityBytes);

    /// <summary>The store itself; a clear replaces it with an empty one.</summary>
    internal LruStore Store => _store;

    /// <summary>The hot cache's store; null when the group's hot share is zero.</summary>
    internal LruStore? HotStore => _hot?.Store;

    /// <summary>Loads calling the source right now (at most the group's <see cref="CacheGroupOptions.MaxConcurrentLoads"/>).</summary>
    public int ActiveLoads => _loadRunner.Slots.Active;

    /// <summary>The group's running totals.</summary>
    public CacheGroupStats Stats { get; } = new();

    /// <summary>The instruments that publish this group's statistics.</summary>
    internal CacheMetrics Metrics { get; }

    internal long LoadSlotsQueued => _loadRunner.Slots.Queued;

    internal long LoadSlotsRejected => _loadRunner.Slots.Rejected;

    /// <summary>Loads and peer fetches under way, background refreshes included; for tests that wait for them to land.</summary>
    internal int FlightsUnderWay => _loads.InFlight + _peerFetches.InFlight;

    /// <summary>Entries evicted from the store since the group was created, across clears.</summary>
    internal long Evictions => Volatile.Read(ref _retiredEvictions) + _store.Evictions;

    /// <summary>Gets a key's value for a client: from the store, the hot cache, the owner peer, or the loader.</summary>
    /// <param name="key">A non-empty key of at most <see cref="MaxKeyBytes"/> UTF-8 bytes.</param>
    /// <param name="cancellationToken">Stops this caller's wait; a fetch or load shared with others goes on.</param>
    /// <exception cref="InvalidCacheKeyException">The key is empty, '.' or '..', too long, not valid UTF-16, or holds U+0000.</exception>
    /// <exception cref="CacheKeyNotFoundException">The source has no value for the key.</exception>
    /// <exception cref="CacheSourceException">The source failed, took longer than <see cref="LoadTimeout"/>, or gave a value over <see cref="MaxValueBytes"/>.</exception>
    /// <exception cref="Exception">Whatever else the loader threw; a failure is not cached, though for the group's failure backoff the same failure is handed out again.</exception>
    public ValueTask<CacheResult> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        long started = Metrics.GetDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        Interlocked.Increment(ref Stats.GetsCount);
        _hotKeys?.Record(key);

        // The common case first, inline: a stored value that does not expire.
        CacheResult result;
        LruEntry? stored = Store.Find(key);
        if (stored is not null && stored.ExpiresAt == LruEntry.Never)
        {
            _curve?.Record(key, stored.Value.Length);
            result = new CacheResult(stored.Value, CacheSource.Hit);
        }
        else
        {
            Expired expired = default;
            if (!TryServe(stored, CacheSource.Hit, ref expired, out result)
                && (_hot is null || !TryServe(_hot.Store.Find(key), CacheSource.Hot, ref expired, out result))
                && !TryServeStaleAtOnce(key, expired, out result))
            {
                return GetMissAsync(key, expired, started, cancellationToken);
            }
        }

        CountOutcome(result.Source);
        RecordGet(started, result.Source);
        TraceHit(CacheTracing.GetSpan, key, result);
        return new ValueTask<CacheResult>(result);
    }

    /// <summary>
    /// Gets a key's value for a peer: from the store or from this node's loader, never from another peer,
    /// so that a request cannot bounce between nodes whose rings disagree.
    /// </summary>
    /// <inheritdoc cref="GetAsync" path="/param"/>
    /// <inheritdoc cref="GetAsync" path="/exception"/>
    public ValueTask<CacheResult> ServePeerAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        Interlocked.Increment(ref Stats.PeerServesCount);

        Expired expired = default;
        if (TryServe(Store.Find(key), CacheSource.Hit, ref expired, out CacheResult result) || TryServeStaleAtOnce(key, expired, out result))
        {
            TraceHit(CacheTracing.ServePeerSpan, key, result);
            return new ValueTask<CacheResult>(result);
        }

        return ServePeerMissAsync(key, expired, cancellationToken);
    }

    /// <summary>
    /// Answers a key's new owner after a membership change (<see cref="ICachePeer.HandOffAsync"/>) with the
    /// value this node's store holds: never loads and never asks a peer, so a hand-off costs no source call
    /// anywhere, and serves nothing expired or stale, so an expired value does not come back. A removed
    /// value is gone from the store already.
    /// </summary>
    /// <returns>The fresh stored value, or null when the store holds none.</returns>
    /// <exception cref="InvalidCacheKeyException">The key is empty or longer than the group allows.</exception>
    public CacheResult? ServeHandOff(string key)
    {
        ValidateKey(key);
        Interlocked.Increment(ref Stats.HandOffServesCount);
        long now = _clock.Now;
        return Store.Find(key) is { } entry && now < entry.ExpiresAt ? _lifetimes.Fresh(entry, CacheSource.Hit, now) : null;
    }

    /// <summary>
    /// The hit ratio this node's store is estimated to have had, over its recent accesses, with
    /// <paramref name="capacityMultiple"/> × its capacity (its miss-ratio curve: see the README's metric
    /// <c>aspirecache.hit_ratio.estimated</c>). At 1× it approximates the store's own hit ratio.
    /// </summary>
    /// <param name="capacityMultiple">The capacity to ask about, as a multiple of the store's: from 0 to 4.</param>
    /// <returns>The ratio, in [0, 1]; null when <see cref="CacheGroupOptions.MissRatioCurve"/> is off or no sampled key was accessed yet.</returns>
    public double? EstimateHitRatio(double capacityMultiple) => _curve?.EstimateHitRatio(capacityMultiple);

    /// <summary>
    /// The keys clients get most often at this node, most requested first, with their owners and estimated
    /// rates over the last complete window of 10 s (see <see cref="CacheGroupOptions.HotKeys"/>).
    /// </summary>
    /// <returns>At most <see cref="CacheGroupOptions.HotKeys"/> keys; none when it is 0 or nothing was requested in the last window.</returns>
    public IReadOnlyList<CacheHotKey> HotKeys()
    {
        if (_hotKeys is null)
        {
            return [];
        }

        IReadOnlyList<HotKeyRate> hottest = _hotKeys.HotKeys();
        var keys = new CacheHotKey[hottest.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            HotKeyRate hot = hottest[i];
            string? owner = _peers.TryPickPeer(hot.Key, out ICachePeer? peer) ? peer.Name : NodeName;
            keys[i] = new CacheHotKey(hot.Key, TelemetryKeyHash?.Of(hot.Key), owner, hot.GetsPerSecond, hot.MaxOverestimate);
        }

        return keys;
    }

    /// <summary>Throws <see cref="InvalidCacheKeyException"/> unless the key is one this group accepts.</summary>
    public void ValidateKey(string key) => CacheKeyRules.Validate(key, MaxKeyBytes, Name);

    /// <summary>Stops publishing the group's metrics.</summary>
    public void Dispose() => Metrics.Unregister(this);

    // A found entry is served if it is fresh; one in the last part of its lifetime also starts a refresh,
    // and an expired one is kept aside, to be served stale if its reload fails.
    private bool TryServe(LruEntry? entry, CacheSource source, ref Expired expired, out CacheResult result)
    {
        if (entry is null)
        {
            result = default;
            return false;
        }

        if (entry.ExpiresAt == LruEntry.Never)
        {
            RecordAccess(entry, source);
            result = new CacheResult(entry.Value, source);
            return true;
        }

        long now = _clock.Now;
        if (now < entry.ExpiresAt)
        {
            RecordAccess(entry, source);
            if (_lifetimes.IsDueForRefresh(entry, now) && entry.TryStartRefresh())
            {
                StartRefresh(entry.Key);
            }

            result = _lifetimes.Fresh(entry, source, now);
            return true;
        }

        if (entry.TryMarkExpired())
        {
            Interlocked.Increment(ref Stats.ExpirationsCount);
        }

        if (expired.Entry is null && _lifetimes.MayServeStale(entry, now))
        {
            expired = new Expired(entry, source);
        }

        result = default;
        return false;
    }

    private async ValueTask<CacheResult> GetMissAsync(string key, Expired expired, long started, CancellationToken cancellationToken)
    {
        using Activity? activity = CacheTracing.Start(CacheTracing.GetSpan, this, key);
        CacheResult result;
        string? owner;
        try
        {
            FlightTicket<CacheResult> flight;
            if (_peers.TryPickPeer(key, out ICachePeer? peer))
            {
                _hot?.RecordDemand(key);
                flight = _peerFetches.Run(key, (Group: this, Peer: peer), static (k, s) => s.Group.FetchFromPeerAsync(k, s.Peer, refresh: false));
                owner = peer.Name;
            }
            else
            {
                Interlocked.Increment(ref Stats.OwnedMissesCount);
                flight = _loads.Run(key, this, static (k, g) => g.LoadAsync(k, refresh: false));
                owner = NodeName;
            }

            Joined(activity, flight);
            result = await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TryServeStale(expired, ex, cancellationToken, out result))
        {
            owner = null;
            CacheTracing.Stale(activity);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref Stats.MissesCount);
            RecordFailedGet(started, ex, cancellationToken);
            CacheTracing.Failed(activity, ex);
            throw;
        }

        // A value the owner did not give (its fetch failed and this node loaded the key, or found it
        // stored) was answered here: the trace names this node, not the peer it meant to ask.
        if (result.Source is CacheSource.Load or CacheSource.Hit)
        {
            owner = NodeName;
        }

        // Counted by outcome, so that hits and misses agree with what callers were told: a value
        // that a flight found stored just before it started is a hit.
        CountOutcome(result.Source);
        RecordGet(started, result.Source);
        CacheTracing.Served(activity, result.Source, owner);
        return result;
    }

    private async ValueTask<CacheResult> ServePeerMissAsync(string key, Expired expired, CancellationToken cancellationToken)
    {
        using Activity? activity = CacheTracing.Start(CacheTracing.ServePeerSpan, this, key);
        try
        {
            FlightTicket<CacheResult> flight = _loads.Run(key, this, static (k, g) => g.LoadAsync(k, refresh: false));
            Joined(activity, flight);
            CacheResult result = await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            CacheTracing.Served(activity, result.Source, NodeName);
            return result;
        }
        catch (Exception ex) when (TryServeStale(expired, ex, cancellationToken, out CacheResult stale))
        {
            CacheTracing.Stale(activity);
            CacheTracing.Served(activity, stale.Source, NodeName);
            return stale;
        }
        catch (Exception ex)
        {
            CacheTracing.Failed(activity, ex);
            throw;
        }
    }

    private async Task<CacheResult> FetchFromPeerAsync(string key, ICachePeer peer, bool refresh)
    {
        // Read before anything else: a removal or clear from here on keeps the fetched value out of the hot cache.
        FlightStamp stamp = Stamp(key, Volatile.Read(ref _hotGeneration));

        // Checked again inside the flight, for the same reason as in LoadAsync.
        if (!refresh && _hot is not null && _hot.Store.Find(key) is { } hot && _clock.Now < hot.ExpiresAt)
        {
            return _lifetimes.Fresh(hot, CacheSource.Hot, _clock.Now);
        }

        using (Activity? activity = CacheTracing.Start(CacheTracing.PeerFetchSpan, this, key))
        {
            activity?.SetTag(CacheTracing.PeerTag, peer.Name);
            try
            {
                // Read before asking: the owner's remaining lifetime counts from its answer, which came after this.
                long askedAt = _clock.Now;
                CacheResult fetched = await peer.GetAsync(Name, key, CancellationToken.None).ConfigureAwait(false);
                if (fetched.Value.Length > MaxValueBytes)
                {
                    throw CacheValueTooLargeException.For(Name, fetched.Value.Length, MaxValueBytes);
                }

                Interlocked.Increment(ref Stats.PeerFetchesCount);
                OfferHotCopy(key, fetched, stamp, askedAt);
                return fetched with { Source = CacheSource.Peer };
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
            catch (Exception ex) when (CachePeerException.IsPeerFailure(ex))
            {
                // The peer's client logs the cause; here the only job is to answer anyway.
                Interlocked.Increment(ref Stats.PeerErrorsCount);
                CacheTracing.Failed(activity, ex);
            }
            catch (Exception ex)
            {
                // A bug of this process, not the peer's: reported as one, and the caller is answered all the same.
                CacheInternalErrors.Report(_meters, _logger, CacheInternalErrors.PeerFetch, Name, peer.Name, ex);
                CacheTracing.Failed(activity, ex);
            }
        }

        // Not counted as a collapse when it joins a load under way: no caller's request was saved by it
        // (those that joined this peer fetch were counted when they joined).
        FlightTicket<CacheResult> load = _loads.Run(key, this, static (k, g) => g.LoadAsync(k, refresh: false));
        return await load.Task.ConfigureAwait(false);
    }

    // Not kept in the store: the owner keeps it, and one copy per cluster is what makes the cluster's
    // capacity the sum of its nodes'. Only keys in demand get a hot copy, and only until the owner's
    // value expires. A stale or unstorable value is not copied at all.
    private void OfferHotCopy(string key, CacheResult fetched, FlightStamp stamp, long askedAt)
    {
        if (_hot is null || fetched.IsStale || fetched.TimeToLive <= TimeSpan.Zero)
        {
            return;
        }

        long now = _clock.Now;
        long expiresAt = fetched.TimeToLive is { } ttl ? askedAt + ttl.Ticks : LruEntry.Never;
        LruEntry? copy = _hot.Offer(key, fetched.Value, askedAt - fetched.Age.Ticks, expiresAt, (Group: this, Key: key, Stamp: stamp), static s => s.Group.IsCurrent(s.Key, s.Stamp, hot: true));

        // A copy fetched while the owner's value is already due for refresh would start a fetch at every
        // hit until the owner's refresh lands; the owner refreshes anyway, and this copy then expires.
        if (copy is not null && _lifetimes.IsDueForRefresh(copy, now))
        {
            copy.MarkRefreshStarted();
        }
    }

    private async Task<CacheResult> LoadAsync(string key, bool refresh)
    {
        // Read before anything else: a removal or clear from here on keeps the loaded value out of the store.
        FlightStamp stamp = Stamp(key, Volatile.Read(ref _generation));

        // Checked again inside the flight. A caller can miss the store just before the previous flight
        // for this key stores its value and lands; without this check it would start a second load of
        // a value that is already here. A refresh loads even though the value is still fresh.
        if (!refresh && Store.Find(key) is { } cached && _clock.Now < cached.ExpiresAt)
        {
            return _lifetimes.Fresh(cached, CacheSource.Hit, _clock.Now);
        }

        // Soon after a membership change, a key that moved here is most likely still in a previous owner's
        // store; unless it was removed, written or cleared here since then: the previous owner may not have
        // heard of that yet (it is told after the owner), so its copy may be the old value.
        if (!refresh && _peers is RingPeerPicker ring
            && ring.PreviousOwnersOf(key, out long since) is { Count: > 0 } previous
            && !_versions.ChangedSince(key, since) && Volatile.Read(ref _clearedAt) <= since
            && await HandOffAsync(key, previous, stamp).ConfigureAwait(false) is { } handedOff)
        {
            return handedOff;
        }

        // A key whose load just failed gets that failure again until its backoff has passed.
        _loadRunner.ThrowIfRemembered(key);

        LoadedValue loaded;
        using (Activity? activity = CacheTracing.Start(refresh ? CacheTracing.RefreshSpan : CacheTracing.LoadSpan, this, key))
        {
            try
            {
                loaded = await _loadRunner.LoadAsync(key, activity, () => IsCurrent(key, stamp, hot: false)).ConfigureAwait(false);
            }
            catch (CacheKeyNotFoundException)
            {
                // The source says the key is gone: an expired value of it must not be served stale any
                // more; a value written since the load started stays.
                Store.RemoveIf(key, (Group: this, Key: key, Stamp: stamp), static s => s.Group.IsCurrent(s.Key, s.Stamp, hot: false));
                throw;
            }
        }

        long now = _clock.Now;
        long expiresAt = _lifetimes.ExpiryOfLoad(loaded.TimeToLive, now);
        if (!refresh && expiresAt != ValueLifetimes.DoNotKeep)
        {
            _curve?.Record(key, loaded.Value.Length);
        }

        if (expiresAt != ValueLifetimes.DoNotKeep
            && Store.Add(key, loaded.Value, now, expiresAt, (Group: this, Key: key, Stamp: stamp), static s => s.Group.IsCurrent(s.Key, s.Stamp, hot: false)) is null
            && LruStore.SizeOf(key, loaded.Value) > Store.CapacityBytes)
        {
            // Served, but larger than the whole store: every get of it will load it again.
            Interlocked.Increment(ref Stats.UncacheableCount);
        }

        return _lifetimes.Loaded(loaded.Value, expiresAt, now);
    }

    // Asks the previous owners' stores in turn; anything but a fresh value (none, stale, too large, a
    // failure) sends the caller on to the source, as if no hand-off had been tried. Counted once per load.
    private async Task<CacheResult?> HandOffAsync(string key, IReadOnlyList<ICachePeer> previous, FlightStamp stamp)
    {
        bool failed = false;
        foreach (ICachePeer peer in previous)
        {
            using Activity? activity = CacheTracing.Start(CacheTracing.HandOffSpan, this, key);
            activity?.SetTag(CacheTracing.PeerTag, peer.Name);
            try
            {
                // Read before asking: the remaining lifetime counts from the answer, which came after this.
                long askedAt = _clock.Now;
                CacheResult? held = await peer.HandOffAsync(Name, key, CancellationToken.None).ConfigureAwait(false);
                if (held is not { IsStale: false } value || value.TimeToLive <= TimeSpan.Zero || value.Value.Length > MaxValueBytes)
                {
                    activity?.SetTag(CacheMetrics.ResultTag, "miss");
                    continue;
                }

                Interlocked.Increment(ref Stats.HandOffHitsCount);
                _curve?.Record(key, value.Value.Length);
                activity?.SetTag(CacheMetrics.ResultTag, "hit");
                long expiresAt = value.TimeToLive is { } ttl ? askedAt + ttl.Ticks : LruEntry.Never;
                Store.Add(key, value.Value, askedAt - value.Age.Ticks, expiresAt, (Group: this, Key: key, Stamp: stamp), static s => s.Group.IsCurrent(s.Key, s.Stamp, hot: false));
                return value with { Source = CacheSource.Peer };
            }
            catch (Exception ex) when (CachePeerException.IsPeerFailure(ex))
            {
                // Answered by the next previous owner, or by loading, as a failed peer fetch is.
                failed = true;
                CacheTracing.Failed(activity, ex);
            }
#pragma warning disable CA1031 // A bug of this process must not fail the get: reported, and the load goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failed = true;
                CacheInternalErrors.Report(_meters, _logger, CacheInternalErrors.HandOff, Name, peer.Name, ex);
                CacheTracing.Failed(activity, ex);
            }
        }

        Interlocked.Increment(ref failed ? ref Stats.HandOffErrorsCount : ref Stats.HandOffMissesCount);
        return null;
    }

    // Refreshes a value ahead of its expiry in the background: at this node if it owns the key, else by
    // fetching the owner's value, which the owner refreshes in turn. A value this node loaded because its
    // owner had failed is fetched from the owner too, once the owner is back: one load per key.
    private void StartRefresh(string key)
    {
        FlightTicket<CacheResult> flight = _peers.TryPickPeer(key, out ICachePeer? peer)
            ? _peerFetches.Run(key, (Group: this, Peer: peer), static (k, s) => s.Group.FetchFromPeerAsync(k, s.Peer, refresh: true))
            : _loads.Run(key, this, static (k, g) => g.LoadAsync(k, refresh: true));
        if (!flight.Joined)
        {
            Interlocked.Increment(ref Stats.RefreshesCount);
        }

        // Nobody waits for a refresh: its failure is counted as a load's, and the value expires as it would have.
        _ = flight.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    // While the source keeps failing, an expired key is served stale at once: no flight, and no
    // exception per get from the remembered failure.
    private bool TryServeStaleAtOnce(string key, Expired expired, out CacheResult result)
    {
        if (expired.Entry is not null && _loadRunner.HasRecentFailure(key))
        {
            return TryServeStale(expired, failure: null, CancellationToken.None, out result);
        }

        result = default;
        return false;
    }

    private bool TryServeStale(Expired expired, Exception? failure, CancellationToken cancellationToken, out CacheResult result)
    {
        // A source's "no such key" is an answer, and a caller that gave up wants nothing; every other
        // failure of the reload may be covered by the expired value while its stale time lasts.
        if (expired.Entry is null
            || failure is CacheKeyNotFoundException or InvalidCacheKeyException
            || (failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
            || !_lifetimes.MayServeStale(expired.Entry, _clock.Now))
        {
            result = default;
            return false;
        }

        Interlocked.Increment(ref Stats.StaleServesCount);
        result = _lifetimes.Stale(expired.Entry, expired.Source, _clock.Now);
        return true;
    }

    // The miss-ratio curve sees what the store sees: a hit in it here, and a miss (expired included) once
    // its load stores the value (LoadAsync), one access per load however many callers joined it. Gets of keys
    // that peers own never reach this store, and so are not accesses of it.
    private void RecordAccess(LruEntry entry, CacheSource source)
    {
        if (source == CacheSource.Hit)
        {
            _curve?.Record(entry.Key, entry.Value.Length);
        }
    }

    private FlightStamp Stamp(string key, int generation) => new(generation, _versions.Read(key));

    // Called under the target store's lock (see LruStore.Add).
    private bool IsCurrent(string key, FlightStamp stamp, bool hot) =>
        stamp.Generation == Volatile.Read(ref hot ? ref _hotGeneration : ref _generation)
        && stamp.KeyVersion == _versions.Read(key);

    private void Joined(Activity? activity, FlightTicket<CacheResult> flight)
    {
        CountCollapse(flight.Joined);
        if (flight.Joined)
        {
            CacheTracing.Joined(activity, flight.Leader);
        }
    }

    private void TraceHit(string span, string key, CacheResult result)
    {
        if (CacheTracing.Source.HasListeners())
        {
            using Activity? activity = CacheTracing.Start(span, this, key);
            CacheTracing.Served(activity, result.Source, null);
            if (result.IsStale)
            {
                CacheTracing.Stale(activity);
            }
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
            Metrics.GetDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(CacheMetrics.GroupTag, Name),
                new KeyValuePair<string, object?>(CacheMetrics.ResultTag, CacheSourceNames.NameOf(source)));
        }
    }

    private void RecordHerd(string flight, int callers) =>
        Metrics.HerdSize.Record(
            callers,
            new KeyValuePair<string, object?>(CacheMetrics.GroupTag, Name),
            new KeyValuePair<string, object?>(CacheMetrics.FlightTag, flight));

    // A failed get takes time too, often the most (a timeout): latency panels must see it. A caller that
    // gave up is not the cache's failure, and is not recorded.
    private void RecordFailedGet(long started, Exception failure, CancellationToken cancellationToken)
    {
        if (started == 0 || (failure is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return;
        }

        string result = failure switch
        {
            CacheKeyNotFoundException => CacheMetrics.NotFoundResult,
            CacheSourceException { IsTimeout: true } or TimeoutException => CacheMetrics.TimeoutResult,
            _ => CacheMetrics.ErrorResult,
        };
        Metrics.GetDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>(CacheMetrics.GroupTag, Name),
            new KeyValuePair<string, object?>(CacheMetrics.ResultTag, result));
    }

    /// <summary>What a flight read when it started: the clear generation and the key's version.</summary>
    private readonly record struct FlightStamp(int Generation, long KeyVersion);

    /// <summary>An expired entry that may still be served stale, and the store it came from.</summary>
    private readonly record struct Expired(LruEntry? Entry, CacheSource Source);
}
