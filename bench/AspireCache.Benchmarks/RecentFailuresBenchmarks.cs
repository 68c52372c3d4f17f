using BenchmarkDotNet.Attributes;

namespace AspireCache.Benchmarks;

/// <summary>
/// What a failure costs the failure backoff's memory once it holds its 10,000 keys: a flood of failing
/// distinct keys, within the backoff (nothing can be taken) and while the oldest failures pass it (one
/// passes for every new one, the steady state of a long flood).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RecentFailuresBenchmarks
{
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(500);
    private static readonly InvalidOperationException Failure = new("the source failed");

    private readonly string[] _keys = [.. Enumerable.Range(0, 1 << 20).Select(i => $"failing-{i:D7}")];
    private readonly SteppingClock _clock = new(Backoff.Ticks / RecentFailures.Capacity);
    private RecentFailures _failures = null!;
    private int _next;

    [GlobalSetup]
    public void Fill()
    {
        _failures = new RecentFailures(Backoff, _clock);
        for (int i = 0; i < RecentFailures.Capacity; i++)
        {
            _clock.Step();
            _failures.Remember(NextKey(), Failure);
        }
    }

    [Benchmark]
    public void Remember_AtAFullTable_WithinTheBackoff() => _failures.Remember(NextKey(), Failure);

    [Benchmark]
    public void Remember_AtAFullTable_WhileTheOldestPass()
    {
        _clock.Step();
        _failures.Remember(NextKey(), Failure);
    }

    private string NextKey() => _keys[_next++ & (_keys.Length - 1)];

    /// <summary>A clock that moves only when told to, by one step.</summary>
    private sealed class SteppingClock(long stepTicks) : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now;

        public void Step() => _now += stepTicks;
    }
}
