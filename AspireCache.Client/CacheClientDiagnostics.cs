namespace AspireCache.Client;

/// <summary>The names under which the cache client publishes its telemetry, for subscribing to it.</summary>
/// <remarks>
/// Instruments: <c>aspirecache.client.requests</c> (by operation, group, outcome and, for gets, result),
/// <c>aspirecache.client.request.duration</c> (seconds) and <c>aspirecache.client.retries</c> (by operation,
/// group and reason). Spans: <c>aspirecache.client.get</c>, <c>.write</c>, <c>.remove</c> and <c>.clear</c>,
/// tagged with the group, the member asked, the key's owner, whether it was retried and a hash of the key,
/// never the key.
/// </remarks>
public static class CacheClientDiagnostics
{
    /// <summary>The name of the client's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "AspireCache.Client";

    /// <summary>The name of the client's <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "AspireCache.Client";
}
