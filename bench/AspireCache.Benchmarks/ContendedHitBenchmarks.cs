using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AspireCache.Benchmarks;

/// <summary>
/// Hits from every core at once: does a read wait for other readers? A textbook LRU behind one lock
/// (<see cref="SingleLockLru"/>) is the design this store must beat; MemoryCache and ConcurrentLru show
/// what lock-free reads achieve.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ContendedHitBenchmarks
{
    private const int ReadsPerThread = 200_000;
    private static readonly int Threads = Environment.ProcessorCount;

    private readonly string[] _keys = Workload.Keys;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, ReadOnlyMemory<byte>> _concurrentLru = null!;
    private SingleLockLru _singleLock = null!;
    private LruStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _concurrentLru = new ConcurrentLru<string, ReadOnlyMemory<byte>>(Workload.KeyCount * 2);
        _singleLock = new SingleLockLru();
        _store = new LruStore(Workload.RoomyCapacity);
        foreach (string key in _keys)
        {
            _memoryCache.Set(key, (ReadOnlyMemory<byte>)Workload.Value);
            _concurrentLru.AddOrUpdate(key, Workload.Value);
            _singleLock.Add(key, Workload.Value);
            _store.Add(key, Workload.Value);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _memoryCache.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = ReadsPerThread)]
    public long MemoryCache_TryGetValue() =>
        OnEveryCore(key => _memoryCache.TryGetValue(key, out ReadOnlyMemory<byte> v) ? v.Length : 0);

    [Benchmark(OperationsPerInvoke = ReadsPerThread)]
    public long ConcurrentLru_TryGet() =>
        OnEveryCore(key => _concurrentLru.TryGet(key, out ReadOnlyMemory<byte> v) ? v.Length : 0);

    [Benchmark(OperationsPerInvoke = ReadsPerThread)]
    public long SingleLockLru_TryGet() =>
        OnEveryCore(key => _singleLock.TryGet(key, out ReadOnlyMemory<byte> v) ? v.Length : 0);

    [Benchmark(OperationsPerInvoke = ReadsPerThread)]
    public long LruStore_TryGet() =>
        OnEveryCore(key => _store.TryGet(key, out ReadOnlyMemory<byte> v) ? v.Length : 0);

    // Reported per read of one thread: with all cores reading, lower means readers wait less for each other.
    private long OnEveryCore(Func<string, int> read)
    {
        long total = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            long sum = 0;
            string[] keys = _keys;
            for (int i = 0, k = t * 997; i < ReadsPerThread; i++, k = k + 1 == keys.Length ? 0 : k + 1)
            {
                sum += read(keys[k]);
            }

            Interlocked.Add(ref total, sum);
        });
        return total;
    }
}
