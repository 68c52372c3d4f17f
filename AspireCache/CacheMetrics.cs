using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace AspireCache;

/// <summary>The engine's instruments on one <c>AspireCache</c> meter; the README lists each one.</summary>
/// <remarks>
/// <para>
/// One set of instruments per <see cref="Meter"/>, observing only the groups created with that meter: a
/// host's <see cref="IMeterFactory"/> gives each host its own meter, so two hosts in one process (or two
/// groups of the same name in them) do not report each other's values. Groups created without a factory
/// share one process-wide meter.
/// </para>
/// <para>
/// Counters and gauges are observable: they read <see cref="CacheGroupStats"/> and the stores only when a
/// listener collects, so the hot path pays for nothing but its increments. Only the durations are recorded
/// as they happen, and only while somebody listens. Tags carry the group name and small fixed sets of
/// values; never a key, whose cardinality is unbounded, and never a key in clear: the few hot keys of each
/// group are tags by their keyed hash.
/// </para>
/// </remarks>
internal sealed class CacheMetrics
{
    public const string GroupTag = "aspirecache.group";
    public const string ResultTag = "aspirecache.result";
    public const string OutcomeTag = "aspirecache.outcome";
    public const string OriginTag = "aspirecache.origin";
    public const string CapacityMultipleTag = "aspirecache.capacity.multiple";

    // The points of the miss-ratio curve published, with their tag values.
    private static readonly (double Multiple, string Tag)[] CurvePoints = [(0.5, "0.5"), (1, "1"), (2, "2"), (4, "4")];

    /// <summary>Which single flight a herd gathered on: a load of the source, or a fetch from the owner.</summary>
    public const string FlightTag = "aspirecache.flight";

    public const string LoadFlight = "load";

    public const string PeerFetchFlight = "peer_fetch";

    /// <summary>The result of a get that failed because the source has no such key.</summary>
    public const string NotFoundResult = "not_found";

    /// <summary>The result of a get that failed because a load (or the wait for one) took longer than LoadTimeout.</summary>
    public const string TimeoutResult = "timeout";

    /// <summary>The result of a get that failed otherwise (the source, a value over the limit).</summary>
    public const string ErrorResult = "error";

    // Sub-millisecond hits through ~100 ms loads to multi-second timeouts.
    private static readonly double[] DurationBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // The meter of groups created without a factory: a plain engine user's, as a process has one.
    private static readonly Meter SharedMeter = new(AspireCacheDiagnostics.MeterName);

    // Weak, so that a factory's meter and its instruments go when the factory does.
    private static readonly ConditionalWeakTable<Meter, CacheMetrics> ByMeter = [];
    private static readonly Lock CreationLock = new();

    private readonly Meter _meter;

    // Live groups; weak, so that a group nobody disposed still leaves once it is collected.
    private readonly ConditionalWeakTable<CacheGroup, object?> _groups = [];

    /// <summary>The instruments on the meter that <paramref name="meters"/> gives for AspireCache, or on the process-wide meter when it is null.</summary>
    public static CacheMetrics For(IMeterFactory? meters)
    {
        Meter meter = meters?.Create(new MeterOptions(AspireCacheDiagnostics.MeterName)) ?? SharedMeter;

        // Locked so that instruments are created once per meter; taken once per group, never on a get.
        lock (CreationLock)
        {
            if (!ByMeter.TryGetValue(meter, out CacheMetrics? metrics))
            {
                metrics = new CacheMetrics(meter);
                ByMeter.Add(meter, metrics);
            }

            return metrics;
        }
    }

    public Histogram<double> GetDuration { get; }

    public Histogram<double> LoadDuration { get; }

    /// <summary>How many callers each single flight served; 1 is a flight nobody joined.</summary>
    public Histogram<int> HerdSize { get; }

    /// <summary>The cache's own bugs, by where they happened (<see cref="CacheInternalErrors"/>).</summary>
    public Counter<long> InternalErrors { get; }

    // Seconds, with buckets from sub-millisecond hits to multi-second timeouts (the exporter's default suits milliseconds).
    // Callers per flight: 1 (no herd) gets a bucket of its own, then roughly doubling up to a thousand-request stampede.
    private static readonly int[] HerdBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private Histogram<double> Duration(string name, string description) =>
        _meter.CreateHistogram(name, unit: "s", description: description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    private CacheMetrics(Meter meter)
    {
        _meter = meter;
        HerdSize = meter.CreateHistogram(
            "aspirecache.herd.size",
            unit: "{request}",
            description: "Callers each single-flight load and peer fetch served (1 = nobody joined it), by flight (load, peer_fetch): the stampedes the cache absorbed.",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = HerdBuckets });
        InternalErrors = meter.CreateCounter<long>(
            CacheInternalErrors.InstrumentName,
            unit: "{error}",
            description: "Exceptions that neither the network, a peer nor the data source can cause (bugs of the cache), by site; each is logged as an error with its stack.");
        GetDuration = Duration("aspirecache.get.duration", "Duration of client gets, by how they were served (hit, hot, peer, load) or how they failed (not_found, timeout, error).");
        LoadDuration = Duration("aspirecache.load.duration", "Duration of calls to the loader (the data source), by outcome.");
        Counter("aspirecache.gets", "{get}", "Client gets.", s => s.Gets);
        Counter("aspirecache.hits", "{hit}", "Client gets answered from this node's memory: its store or its hot cache.", s => s.Hits);
        Counter("aspirecache.hot.hits", "{hit}", "Client gets answered from the hot cache (copies of other nodes' values); part of the hits.", s => s.HotHits);
        Counter("aspirecache.misses", "{miss}", "Client gets not answered from this node's memory: served by the owner peer or a load, or failed.", s => s.Misses);
        Counter("aspirecache.singleflight.collapses", "{request}", "Requests that joined a peer fetch or load already under way.", s => s.Collapses);
        Counter("aspirecache.owned.requests", "{request}", "Requests for keys this node owns (client gets from its store or its own load, and peers' requests): its share of the cluster's requests shows ownership skew.", s => s.OwnedRequests);
        Counter("aspirecache.peer.serves", "{serve}", "Gets from peers that this node served (it owns the key, or was asked as if it did).", s => s.PeerServes);
        Counter("aspirecache.negative.hits", "{get}", "Gets answered 'no such key' from the not-found cache, without calling the source.", s => s.NegativeHits);
        Counter("aspirecache.values.too_large", "{value}", "Values refused because they were larger than the group's MaxValueBytes.", s => s.ValuesTooLarge);
        Counter("aspirecache.values.uncacheable", "{value}", "Loaded values served but not stored, because they were larger than the whole store.", s => s.Uncacheable);
        meter.CreateObservableCounter(
            "aspirecache.loads",
            () => ObserveTagged(OutcomeTag, ("success", s => s.Loads), ("error", s => s.LoadErrors), ("not_found", s => s.LoadsNotFound)),
            "{load}",
            "Calls of the loader (the data source), by outcome (success, error, not_found).");
        meter.CreateObservableCounter(
            "aspirecache.peer.fetches",
            () => ObserveTagged(OutcomeTag, ("success", s => s.PeerFetches), ("error", s => s.PeerErrors), ("source_error", s => s.PeerSourceErrors), ("not_found", s => s.PeerNotFound)),
            "{fetch}",
            "Fetches from the owner peer, by outcome (success, error: the peer failed, source_error: its source failed, not_found: its source has no such key).");
        Counter("aspirecache.expirations", "{value}", "Values that a get found expired (each counted once); they are reloaded, or served stale.", s => s.Expirations);
        Counter("aspirecache.refreshes", "{refresh}", "Background reloads started by a hit in the last part of a value's lifetime (RefreshAhead).", s => s.Refreshes);
        Counter("aspirecache.stale.serves", "{get}", "Gets and peer requests answered with an expired value because its reload failed (StaleIfError).", s => s.StaleServes);
        Counter("aspirecache.invalidations.unacknowledged", "{member}", "Members that did not acknowledge a removal, write or clear that this node passed on.", s => s.Unacknowledged);
        meter.CreateObservableCounter(
            "aspirecache.hand_offs",
            () => ObserveTagged(ResultTag, ("hit", s => s.HandOffHits), ("miss", s => s.HandOffMisses), ("error", s => s.HandOffErrors)),
            "{hand_off}",
            "Loads after a membership change that first asked the key's previous owner, by result (hit: it held the value and the source was not called, miss: it did not, error: it could not be asked).");
        Counter("aspirecache.hand_off.serves", "{serve}", "Hand-off requests from a key's new owner that this node answered from its store, held or not.", s => s.HandOffServes);
        meter.CreateObservableCounter(
            "aspirecache.removes",
            () => ObserveTagged(OriginTag, ("client", s => s.Removes), ("peer", s => s.PeerRemoves)),
            "{remove}",
            "Key removals, by origin (client: taken by this node and passed to the ring, peer: passed to this node).");
        meter.CreateObservableCounter(
            "aspirecache.writes",
            () => ObserveTagged(OriginTag, ("client", s => s.Writes), ("peer", s => s.PeerWrites)),
            "{write}",
            "Writes of values into the cache, by origin (client: taken by this node, peer: stored by this node as the owner).");
        meter.CreateObservableCounter(
            "aspirecache.clears",
            () => ObserveTagged(OriginTag, ("client", s => s.Clears), ("peer", s => s.PeerClears)),
            "{clear}",
            "Clears of the group, by origin (client: taken by this node and passed to the ring, peer: of this node's part, asked by a peer or the node itself).");
        meter.CreateObservableCounter(
            "aspirecache.loads.queued", () => Observe(g => g.LoadSlotsQueued), "{load}", "Loads that waited for a slot because the group's MaxConcurrentLoads were running.");
        meter.CreateObservableCounter(
            "aspirecache.loads.rejected", () => Observe(g => g.LoadSlotsRejected), "{load}", "Loads whose LoadTimeout passed while they waited for a slot; they failed as timeouts.");
        meter.CreateObservableUpDownCounter(
            "aspirecache.loads.active", () => Observe(g => g.ActiveLoads), "{load}", "Loads calling the source right now.");

        meter.CreateObservableCounter(
            "aspirecache.evictions", () => Observe(g => g.Evictions), "{entry}", "Entries evicted from the store to make room.");
        meter.CreateObservableUpDownCounter(
            "aspirecache.entry.count", () => Observe(g => g.Store.Count), "{entry}", "Entries in the store.");
        meter.CreateObservableUpDownCounter(
            "aspirecache.store.size", () => Observe(g => g.Store.Bytes), "By", "Bytes the store's entries account for.");
        meter.CreateObservableUpDownCounter(
            "aspirecache.store.capacity", () => Observe(g => g.Store.CapacityBytes), "By", "The store's capacity (the group's capacity less its hot share).");
        meter.CreateObservableUpDownCounter(
            "aspirecache.hot.entry.count", () => Observe(g => g.HotStore?.Count ?? 0), "{entry}", "Entries in the hot cache.");
        meter.CreateObservableUpDownCounter(
            "aspirecache.hot.store.size", () => Observe(g => g.HotStore?.Bytes ?? 0), "By", "Bytes the hot cache's entries account for.");
        meter.CreateObservableUpDownCounter(
            "aspirecache.hot.store.capacity", () => Observe(g => g.HotStore?.CapacityBytes ?? 0), "By", "The hot cache's capacity (the group's hot share).");

        // No unit, so that the Prometheus series is exactly aspirecache_hit_ratio_estimated: the exporter appends a unit as a suffix.
        meter.CreateObservableGauge(
            "aspirecache.hit_ratio.estimated",
            ObserveCurve,
            unit: null,
            "The hit ratio the store is estimated to have had at a multiple of its capacity (miss-ratio curve, SHARDS sampling), over its recent accesses.");

        // No unit for the same reason: the series is aspirecache_hot_key_rate.
        meter.CreateObservableGauge(
            "aspirecache.hot_key.rate",
            ObserveHotKeys,
            unit: null,
            "Gets per second of this node's most requested keys (hot keys) over the last complete 10 s window (estimated from a sample on a busy node), by key hash and owner.");
    }

    public void Register(CacheGroup group) => _groups.AddOrUpdate(group, null);

    public void Unregister(CacheGroup group) => _groups.Remove(group);

    private void Counter(string name, string unit, string description, Func<CacheGroupStats, long> read) =>
        _meter.CreateObservableCounter(name, () => Observe(g => read(g.Stats)), unit, description);

    private List<Measurement<long>> Observe(Func<CacheGroup, long> read)
    {
        var measurements = new List<Measurement<long>>();
        foreach ((CacheGroup group, _) in _groups)
        {
            measurements.Add(new Measurement<long>(read(group), new KeyValuePair<string, object?>(GroupTag, group.Name)));
        }

        return measurements;
    }

    private List<Measurement<double>> ObserveCurve()
    {
        var measurements = new List<Measurement<double>>();
        foreach ((CacheGroup group, _) in _groups)
        {
            var groupTag = new KeyValuePair<string, object?>(GroupTag, group.Name);
            foreach ((double multiple, string tag) in CurvePoints)
            {
                if (group.EstimateHitRatio(multiple) is { } ratio)
                {
                    measurements.Add(new Measurement<double>(ratio, groupTag, new(CapacityMultipleTag, tag)));
                }
            }
        }

        return measurements;
    }

    // Each group's hot keys on this node, by keyed hash and owner: a bounded set of series per group, unlike
    // keys themselves. Never the key in clear, whatever RecordKeys says: metrics are kept long and widely read.
    private List<Measurement<double>> ObserveHotKeys()
    {
        var measurements = new List<Measurement<double>>();
        foreach ((CacheGroup group, _) in _groups)
        {
            foreach (CacheHotKey hot in group.HotKeys())
            {
                // Without a key hash secret nothing that may be shown names the key.
                if (hot.Hash is not null)
                {
                    measurements.Add(new Measurement<double>(
                        hot.GetsPerSecond,
                        new(GroupTag, group.Name),
                        new(CacheTracing.KeyHashTag, hot.Hash),
                        new(CacheTracing.OwnerTag, hot.Owner ?? string.Empty)));
                }
            }
        }

        return measurements;
    }

    private List<Measurement<long>> ObserveTagged(string tag, params (string Value, Func<CacheGroupStats, long> Read)[] values)
    {
        var measurements = new List<Measurement<long>>();
        foreach ((CacheGroup group, _) in _groups)
        {
            var groupTag = new KeyValuePair<string, object?>(GroupTag, group.Name);
            foreach ((string value, Func<CacheGroupStats, long> read) in values)
            {
                measurements.Add(new Measurement<long>(read(group.Stats), groupTag, new(tag, value)));
            }
        }

        return measurements;
    }
}
