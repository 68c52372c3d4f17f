using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AspireCache.Benchmarks;

/// <summary>
/// One hit on a warm cache of 10,000 keys: the engine against MemoryCache (the baseline) and BitFaster's
/// ConcurrentLru; and a hit on values with a time to live, which reads the clock and reports the value's
/// remaining lifetime and age.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class HitBenchmarks
{
    private readonly string[] _keys = Workload.Keys;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, ReadOnlyMemory<byte>> _concurrentLru = null!;
    private LruStore _store = null!;
    private CacheGroup _group = null!;
    private CacheGroup _expiringGroup = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _concurrentLru = new ConcurrentLru<string, ReadOnlyMemory<byte>>(Workload.KeyCount * 2);
        _store = new LruStore(Workload.RoomyCapacity);
        _group = Workload.FilledGroup("bench", new CacheGroupOptions());
        _expiringGroup = new CacheGroup("bench-ttl", (_, _) => throw new InvalidOperationException("every read must hit"), new CacheGroupOptions { CapacityBytes = Workload.RoomyCapacity, TimeToLive = TimeSpan.FromHours(1) });
        foreach (string key in _keys)
        {
            _memoryCache.Set(key, (ReadOnlyMemory<byte>)Workload.Value);
            _concurrentLru.AddOrUpdate(key, Workload.Value);
            _store.Add(key, Workload.Value);
            _expiringGroup.WriteLocally(key, Workload.Value);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memoryCache.Dispose();
        _group.Dispose();
        _expiringGroup.Dispose();
    }

    private string NextKey() => Workload.Next(ref _next);

    [Benchmark(Baseline = true)]
    public int MemoryCache_TryGetValue() =>
        _memoryCache.TryGetValue(NextKey(), out ReadOnlyMemory<byte> value) ? value.Length : -1;

    [Benchmark]
    public int ConcurrentLru_TryGet() =>
        _concurrentLru.TryGet(NextKey(), out ReadOnlyMemory<byte> value) ? value.Length : -1;

    [Benchmark]
    public int LruStore_TryGet() =>
        _store.TryGet(NextKey(), out ReadOnlyMemory<byte> value) ? value.Length : -1;

    [Benchmark]
    public int CacheGroup_GetAsync_Hit() => Workload.Hit(_group, ref _next);

    [Benchmark]
    public int CacheGroup_GetAsync_HitWithTimeToLive()
    {
        ValueTask<CacheResult> get = _expiringGroup.GetAsync(NextKey());
        return get.IsCompletedSuccessfully ? get.Result.Value.Length : -1;
    }
}
