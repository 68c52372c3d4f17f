using BenchmarkDotNet.Attributes;

namespace AspireCache.Benchmarks;

/// <summary>The engine's other hot pieces: adding to a full store, ring lookups and an uncontended single-flight.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class EngineBenchmarks
{
    private readonly string[] _keys = Workload.Keys;
    private LruStore _fullStore = null!;
    private ConsistentHashRing _ring = null!;
    private SingleFlight<string, int> _flights = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        // A store that holds a tenth of the keys, so that every add evicts one entry.
        _fullStore = new LruStore(Workload.KeyCount / 10 * LruStore.SizeOf(_keys[0], Workload.Value));
        foreach (string key in _keys)
        {
            _fullStore.Add(key, Workload.Value);
        }

        _ring = new ConsistentHashRing();
        _ring.Add("cache-0", "cache-1", "cache-2");
        _flights = new SingleFlight<string, int>();
    }

    private string NextKey() => Workload.Next(ref _next);

    [Benchmark]
    public bool LruStore_Add_EvictingOne() => _fullStore.Add(NextKey(), Workload.Value);

    [Benchmark]
    public string? Ring_GetOwner_3Members() => _ring.GetOwner(NextKey());

    [Benchmark]
    public int SingleFlight_Uncontended() =>
        _flights.Run(NextKey(), 1, static (_, v) => Task.FromResult(v)).Task.Result;
}
