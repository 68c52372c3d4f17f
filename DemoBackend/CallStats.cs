using System.Collections.Concurrent;

namespace DemoBackend;

/// <summary>
/// Counts calls of <c>/data</c>, in total and per key, so that tests can see how often the cache loaded;
/// and keeps the trace id of each key's last call, so that they can see which request caused it.
/// </summary>
public sealed class CallStats
{
    private readonly ConcurrentDictionary<string, long> _perKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _lastTraceIds = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>Counts one call for a key.</summary>
    public void Count(string key, string? traceId)
    {
        Interlocked.Increment(ref _total);
        _perKey.AddOrUpdate(key, 1, static (_, calls) => calls + 1);
        if (traceId is not null)
        {
            _lastTraceIds[key] = traceId;
        }
    }

    /// <summary>Forgets every call.</summary>
    public void Reset()
    {
        _perKey.Clear();
        _lastTraceIds.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    /// <summary>The counts as <c>/stats</c> returns them.</summary>
    public Snapshot Read() => new(
        Interlocked.Read(ref _total),
        new SortedDictionary<string, long>(_perKey, StringComparer.Ordinal),
        new SortedDictionary<string, string>(_lastTraceIds, StringComparer.Ordinal));

    /// <summary>Calls in total and per key, and the W3C trace id of each key's last call.</summary>
    public sealed record Snapshot(long Total, IReadOnlyDictionary<string, long> PerKey, IReadOnlyDictionary<string, string> LastTraceIds);
}
