using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace AspireCache;

/// <summary>The engine's instruments on the <c>AspireCache</c> meter; the README lists each one.</summary>
/// <remarks>
/// Counters and gauges are observable: they read <see cref="CacheGroupStats"/> and the stores only when a
/// listener collects, so the hot path pays for nothing but its increments. Only the durations are recorded
/// as they happen, and only while somebody listens. Tags carry the group name and small fixed sets of
/// values; never a key, whose cardinality is unbounded.
/// </remarks>
internal static class CacheMetrics
{
    public const string GroupTag = "aspirecache.group";
    public const string ResultTag = "aspirecache.result";
    public const string OutcomeTag = "aspirecache.outcome";

    private static readonly Meter Meter = new(AspireCacheDiagnostics.MeterName);

    // Live groups; weak, so that a group nobody disposed still leaves once it is collected.
    private static readonly ConditionalWeakTable<CacheGroup, object?> Groups = [];

    // Sub-millisecond hits through ~100 ms loads to multi-second timeouts.
    private static readonly double[] DurationBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static readonly Histogram<double> GetDuration = Meter.CreateHistogram(
        "aspirecache.get.duration",
        unit: "s",
        description: "Duration of client gets, by how they were served (hit, peer, load).",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static readonly Histogram<double> LoadDuration = Meter.CreateHistogram(
        "aspirecache.load.duration",
        unit: "s",
        description: "Duration of calls to the loader (the data source), by outcome.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    static CacheMetrics()
    {
        Counter("aspirecache.gets", "{get}", "Client gets.", s => s.Gets);
        Counter("aspirecache.hits", "{hit}", "Client gets answered from this node's store.", s => s.Hits);
        Counter("aspirecache.misses", "{miss}", "Client gets not served from this node's store: served by the owner peer or a load, or failed.", s => s.Misses);
        Counter("aspirecache.singleflight.collapses", "{request}", "Requests that joined a peer fetch or load already under way.", s => s.Collapses);
        Counter("aspirecache.peer.requests", "{request}", "Requests from peers served by this node.", s => s.PeerRequests);
        Meter.CreateObservableCounter(
            "aspirecache.loads", () => ObserveOutcomes(s => s.Loads, s => s.LoadErrors), "{load}", "Calls of the loader (the data source), by outcome.");
        Meter.CreateObservableCounter(
            "aspirecache.peer.fetches",
            () => ObserveOutcomes(s => s.PeerFetches, s => s.PeerErrors, s => s.PeerSourceErrors),
            "{fetch}",
            "Fetches from the owner peer, by outcome (success, error: the peer failed, source_error: its source failed).");

        Meter.CreateObservableCounter(
            "aspirecache.evictions", () => Observe(g => g.Store.Evictions), "{entry}", "Entries evicted to make room.");
        Meter.CreateObservableUpDownCounter(
            "aspirecache.entry.count", () => Observe(g => g.Store.Count), "{entry}", "Entries in the store.");
        Meter.CreateObservableUpDownCounter(
            "aspirecache.store.size", () => Observe(g => g.Store.Bytes), "By", "Bytes the store's entries account for.");
        Meter.CreateObservableUpDownCounter(
            "aspirecache.store.capacity", () => Observe(g => g.Store.CapacityBytes), "By", "The store's capacity.");
    }

    public static void Register(CacheGroup group) => Groups.AddOrUpdate(group, null);

    public static void Unregister(CacheGroup group) => Groups.Remove(group);

    private static void Counter(string name, string unit, string description, Func<CacheGroupStats, long> read) =>
        Meter.CreateObservableCounter(name, () => Observe(g => read(g.Stats)), unit, description);

    private static List<Measurement<long>> Observe(Func<CacheGroup, long> read)
    {
        var measurements = new List<Measurement<long>>();
        foreach ((CacheGroup group, _) in Groups)
        {
            measurements.Add(new Measurement<long>(read(group), new KeyValuePair<string, object?>(GroupTag, group.Name)));
        }

        return measurements;
    }

    private static List<Measurement<long>> ObserveOutcomes(
        Func<CacheGroupStats, long> successes, Func<CacheGroupStats, long> errors, Func<CacheGroupStats, long>? sourceErrors = null)
    {
        var measurements = new List<Measurement<long>>();
        foreach ((CacheGroup group, _) in Groups)
        {
            var groupTag = new KeyValuePair<string, object?>(GroupTag, group.Name);
            measurements.Add(new Measurement<long>(successes(group.Stats), groupTag, new(OutcomeTag, "success")));
            measurements.Add(new Measurement<long>(errors(group.Stats), groupTag, new(OutcomeTag, "error")));
            if (sourceErrors is not null)
            {
                measurements.Add(new Measurement<long>(sourceErrors(group.Stats), groupTag, new(OutcomeTag, "source_error")));
            }
        }

        return measurements;
    }
}
