using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace AspireCache;

/// <summary>
/// Loader failures remembered for a short time, so that a failing key is not sent to its source again
/// before the backoff has passed: callers in that time get the same failure at once.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="Capacity"/> keys; while the table is full of failures that have not
/// passed their backoff, a new failure is simply not remembered (the next call tries the source, as it
/// would without a backoff). Every failure has the same backoff, so the order in which failures are
/// remembered is the order in which they pass it: they wait in that order in a queue, and each
/// remembered failure sweeps the passed ones from its front. A flood of failing distinct keys therefore
/// costs O(1) amortised per failure, never a scan of the table.
/// </remarks>
internal sealed class RecentFailures(TimeSpan backoff, TimeProvider time)
{
    public const int Capacity = 10_000;

    // Lookups (every miss asks) read this without a lock; every change to it is made under _lock.
    private readonly ConcurrentDictionary<string, Failure> _failures = new(StringComparer.Ordinal);

    // The remembered failures, oldest first. A key forgotten or remembered again leaves its old failure
    // here until the sweep reaches it, so the queue may be longer than the table: past twice the capacity it
    // is rebuilt from the table.
    private readonly Queue<Failure> _byAge = new();
    private readonly Lock _lock = new();
    private readonly long _backoffTimestamps = (long)(backoff.TotalSeconds * time.TimestampFrequency);

    // The table's size, kept beside it: ConcurrentDictionary.Count takes every one of its locks.
    private int _count;
    private long _entriesVisited;

    /// <summary>Failures looked at by sweeps and rebuilds since the table was made: for tests of the work per failure.</summary>
    internal long EntriesVisited => Interlocked.Read(ref _entriesVisited);

    public void Remember(string key, Exception error)
    {
        if (backoff <= TimeSpan.Zero)
        {
            return;
        }

        long now = time.GetTimestamp();
        lock (_lock)
        {
            SweepPassed(now);
            bool known = _failures.ContainsKey(key);
            if (!known && _count >= Capacity)
            {
                return;
            }

            var failure = new Failure(key, ExceptionDispatchInfo.Capture(error), now + _backoffTimestamps);
            _failures[key] = failure;
            if (!known)
            {
                _count++;
            }

            _byAge.Enqueue(failure);
            if (_byAge.Count > 2 * Capacity)
            {
                Rebuild();
            }
        }
    }

    /// <summary>Forgets a key's failure, for a removal or a write of the key.</summary>
    public void Forget(string key)
    {
        lock (_lock)
        {
            if (_failures.TryRemove(key, out _))
            {
                _count--;
            }
        }
    }

    /// <summary>Forgets every failure, for a clear of the group.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _failures.Clear();
            _byAge.Clear();
            _count = 0;
        }
    }

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

            Remove(failure);
        }

        error = null;
        return false;
    }

    // Under the lock: each failure is dequeued once, so the sweeps of n failures cost O(n) in all.
    private void SweepPassed(long now)
    {
        while (_byAge.TryPeek(out Failure? oldest) && oldest.Until <= now)
        {
            _entriesVisited++;
            _byAge.Dequeue();
            RemoveUnderLock(oldest);
        }
    }

    // Under the lock: keeps only the failures the table still holds, in their order. Runs after at least
    // Capacity enqueues since the last rebuild, so it too is O(1) amortised per failure.
    private void Rebuild()
    {
        int count = _byAge.Count;
        for (int i = 0; i < count; i++)
        {
            _entriesVisited++;
            Failure failure = _byAge.Dequeue();
            if (_failures.TryGetValue(failure.Key, out Failure? held) && held == failure)
            {
                _byAge.Enqueue(failure);
            }
        }
    }

    private void Remove(Failure failure)
    {
        lock (_lock)
        {
            RemoveUnderLock(failure);
        }
    }

    // Removes the key only if it still holds this very failure, not one remembered since.
    private void RemoveUnderLock(Failure failure)
    {
        if (_failures.TryRemove(new KeyValuePair<string, Failure>(failure.Key, failure)))
        {
            _count--;
        }
    }

    // A class, not a record: a failure is removed only if the table still holds this very instance.
    private sealed class Failure(string key, ExceptionDispatchInfo error, long until)
    {
        public string Key { get; } = key;

        public ExceptionDispatchInfo Error { get; } = error;

        public long Until { get; } = until;
    }
}
