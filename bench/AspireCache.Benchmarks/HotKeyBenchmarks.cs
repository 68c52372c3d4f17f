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
        _withHotKeys = Group("bench-hot-keys", CacheGroupOptions.DefaultHotKeys);
        _withoutHotKeys = Group("bench-no-hot-keys", hotKeys: 0);
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
    public int CacheGroup_GetAsync_Hit_WithoutHotKeys() => Hit(_withoutHotKeys);

    [Benchmark]
    public int CacheGroup_GetAsync_Hit_WithHotKeys() => Hit(_withHotKeys);

    private static CacheGroup Group(string name, int hotKeys)
    {
        var group = new CacheGroup(name, (_, _) => throw new InvalidOperationException("every read must hit"), new CacheGroupOptions { CapacityBytes = Workload.RoomyCapacity, HotKeys = hotKeys });
        foreach (string key in Workload.Keys)
        {
            group.Store.Add(key, Workload.Value);
        }

        return group;
    }

    private int Hit(CacheGroup group)
    {
        ValueTask<CacheResult> get = group.GetAsync(Workload.Next(ref _next));
        return get.IsCompletedSuccessfully ? get.Result.Value.Length : -1;
    }
}
