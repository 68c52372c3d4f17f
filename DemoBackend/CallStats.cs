using System.Collections.Concurrent;

namespace DemoBackend;

/// <summary>Counts calls of <c>/data</c>, in total and per key, so that tests can see how often the cache loaded.</summary>
public sealed class CallStats
{
    private readonly ConcurrentDictionary<string, long> _perKey = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>Counts one call for a key.</summary>
    public void Count(string key)
    {
        Interlocked.Increment(ref _total);
        _perKey.AddOrUpdate(key, 1, static (_, calls) => calls + 1);
    }

    /// <summary>Forgets every call.</summary>
    public void Reset()
    {
        _perKey.Clear();
        Interlocked.Exchange(ref _total, 0);
    }

    /// <summary>The counts as <c>/stats</c> returns them.</summary>
    public Snapshot Read() => new(Interlocked.Read(ref _total), new SortedDictionary<string, long>(_perKey, StringComparer.Ordinal));

    /// <summary>Calls in total and per key.</summary>
    public sealed record Snapshot(long Total, IReadOnlyDictionary<string, long> PerKey);
}
