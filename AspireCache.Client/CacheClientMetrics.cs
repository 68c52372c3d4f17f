using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AspireCache.Client;

/// <summary>The client's instruments, on a meter from the application's <see cref="IMeterFactory"/>.</summary>
internal sealed class CacheClientMetrics
{
    public const string RequestsName = "aspirecache.client.requests";
    public const string DurationName = "aspirecache.client.request.duration";
    public const string RetriesName = "aspirecache.client.retries";

    public const string OperationTag = "aspirecache.operation";
    public const string GroupTag = "aspirecache.group";
    public const string OutcomeTag = "aspirecache.outcome";
    public const string ResultTag = "aspirecache.result";
    public const string ReasonTag = "aspirecache.reason";

    // Seconds, from a hit on a local network to a load as long as the default LoadTimeout and beyond.
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _retries;

    public CacheClientMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(CacheClientDiagnostics.MeterName);
        _requests = meter.CreateCounter<long>(RequestsName, "{request}", "Requests of the cache client, by operation, group, outcome and (for gets) how they were served.");
        _duration = meter.CreateHistogram(
            DurationName,
            "s",
            "How long the cache client's requests took, retries included.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _retries = meter.CreateCounter<long>(RetriesName, "{retry}", "Requests sent to another member because the first did not answer, by reason.");
    }

    public void Completed(CacheClientOperation operation, string group, string outcome, string? result, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { OperationTag, operation.Name },
            { GroupTag, group },
            { OutcomeTag, outcome },
        };
        _duration.Record(elapsed.TotalSeconds, tags);
        if (result is not null)
        {
            tags.Add(ResultTag, result);
        }

        _requests.Add(1, tags);
    }

    public void Retried(CacheClientOperation operation, string group, string reason) =>
        _retries.Add(1, new TagList { { OperationTag, operation.Name }, { GroupTag, group }, { ReasonTag, reason } });
}
