using BenchmarkDotNet.Attributes;

namespace AspireCache.Benchmarks;

/// <summary>
/// What finding hot keys costs a hit: a whole hit of the 10,000-key workload with the tracker on (the default)
/// and off, and one counted sample. The workload reads every key in turn, the worst case for Space-Saving:
/// nearly every sample is a key without a counter, which takes over the least counted one.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class HotKeyBenchmarks
{
    private HotKeyTracker _everyGet = null!;
    private CacheGroup _withHotKeys = null!;
    private CacheGroup _withoutHotKeys = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _everyGet = new HotKeyTracker(CacheGroupOptions.DefaultHotKeys, TimeProvider.System, countEveryGet: true);
        _withHotKeys = Workload.FilledGroup("bench-hot-keys", new CacheGroupOptions());
        _withoutHotKeys = Workload.FilledGroup("bench-no-hot-keys", new CacheGroupOptions { HotKeys = 0 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _withHotKeys.Dispose();
        _withoutHotKeys.Dispose();
    }

    [Benchmark]
    public void Record_Counted() => _everyGet.Record(Workload.Next(ref _next));

    [Benchmark(Baseline = true)]
    public int CacheGroup_GetAsync_Hit_WithoutHotKeys() => Workload.Hit(_withoutHotKeys, ref _next);

    [Benchmark]
    public int CacheGroup_GetAsync_Hit_WithHotKeys() => Workload.Hit(_withHotKeys, ref _next);
}
