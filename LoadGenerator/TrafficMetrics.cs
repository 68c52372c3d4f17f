using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LoadGenerator;

/// <summary>
/// The load generator's own view of the cluster, from the caller's side: reads by result, their latency,
/// reads skipped because too many were out, and the rate it aims at (meter <see cref="MeterName"/>).
/// </summary>
internal sealed class TrafficMetrics
{
    /// <summary>The meter's name, for the exporter to listen to.</summary>
    public const string MeterName = "AspireCache.LoadGenerator";

    // Seconds, from a hit (sub-millisecond) to a read that waited for the slow demo backend.
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long> _reads;
    private readonly Histogram<double> _readDuration;
    private readonly Counter<long> _skipped;
    private double _targetRate;

    public TrafficMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(MeterName);
        _reads = meter.CreateCounter<long>("aspirecache.loadgen.reads", unit: "{read}", description: "Reads the load generator finished, by route and result (hit, hot, peer, load, not-found, error).");
        _readDuration = meter.CreateHistogram("aspirecache.loadgen.read.duration", unit: "s", description: "How long a read took, as the load generator saw it.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _skipped = meter.CreateCounter<long>("aspirecache.loadgen.skipped", unit: "{read}", description: "Reads that were due but not started because MaxInFlight reads were still out.");
        meter.CreateObservableGauge("aspirecache.loadgen.target_rate", () => Volatile.Read(ref _targetRate), unit: "{read}/s", description: "The rate the running load aims at; 0 when stopped.");
    }

    public void Read(TrafficRoute route, string result, TimeSpan duration)
    {
        var tags = new TagList { { "aspirecache.loadgen.route", RouteName(route) }, { "aspirecache.result", result } };
        _reads.Add(1, tags);
        _readDuration.Record(duration.TotalSeconds, tags);
    }

    public void Skipped(TrafficRoute route, long count) =>
        _skipped.Add(count, new KeyValuePair<string, object?>("aspirecache.loadgen.route", RouteName(route)));

    public void TargetRate(double rate) => Volatile.Write(ref _targetRate, rate);

    private static string RouteName(TrafficRoute route) => route == TrafficRoute.Owner ? "owner" : "nodes";
}
