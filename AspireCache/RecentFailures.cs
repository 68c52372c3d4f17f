using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace AspireCache;

/// <summary>
/// Loader failures remembered for a short time, so that a failing key is not sent to its source again
/// before the backoff has passed: callers in that time get the same failure at once.
/// </summary>
/// <remarks>
/// Bounded: past <see cref="Capacity"/> keys, expired ones are swept, and if the table is still full a
/// new failure is simply not remembered (the next call tries the source, as it would without a backoff).
/// </remarks>
internal sealed class RecentFailures(TimeSpan backoff, TimeProvider time)
{
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Failure> _failures = new(StringComparer.Ordinal);

    public void Remember(string key, Exception error)
    {
        if (backoff <= TimeSpan.Zero)
        {
            return;
        }

        long now = time.GetTimestamp();
        if (_failures.Count >= Capacity)
        {
            foreach ((string stale, Failure failure) in _failures)
            {
                if (failure.Until <= now)
                {
                    _failures.TryRemove(stale, out _);
                }
            }

            if (_failures.Count >= Capacity)
            {
                return;
            }
        }

        _failures[key] = new Failure(ExceptionDispatchInfo.Capture(error), now + (long)(backoff.TotalSeconds * time.TimestampFrequency));
    }

    /// <summary>Forgets a key's failure, for a removal or a write of the key.</summary>
    public void Forget(string key) => _failures.TryRemove(key, out _);

    /// <summary>Forgets every failure, for a clear of the group; at most <see cref="Capacity"/> of them.</summary>
    public void Clear() => _failures.Clear();

    /// <summary>Throws the key's remembered failure if its backoff has not passed.</summary>
    public void ThrowIfRecent(string key)
    {
        if (TryGetRecent(key, out ExceptionDispatchInfo? error))
        {
            error.Throw();
        }
    }

    /// <summary>The key's remembered failure, if its backoff has not passed.</summary>
    public bool TryGetRecent(string key, [NotNullWhen(true)] out ExceptionDispatchInfo? error)
    {
        // TryGetValue reads without locks; IsEmpty would take every lock when the table is empty.
        if (_failures.TryGetValue(key, out Failure? failure))
        {
            if (failure.Until > time.GetTimestamp())
            {
                error = failure.Error;
                return true;
            }

            _failures.TryRemove(new KeyValuePair<string, Failure>(key, failure));
        }

        error = null;
        return false;
    }

    private sealed record Failure(ExceptionDispatchInfo Error, long Until);
}
