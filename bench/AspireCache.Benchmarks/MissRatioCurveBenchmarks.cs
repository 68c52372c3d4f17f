using BenchmarkDotNet.Attributes;

namespace AspireCache.Benchmarks;

/// <summary>
/// What the miss-ratio curve costs a hit: one record of a key that is not sampled (a hash and a compare),
/// one of a sampled key (the lock, the exact LRU over the sample and the histogram), and a whole hit of the
/// 10,000-key workload with the curve on and off.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MissRatioCurveBenchmarks
{
    private readonly string[] _keys = Workload.Keys;
    private HitRatioEstimator _estimator = null!;
    private string[] _notSampled = null!;
    private string[] _sampled = null!;
    private CacheGroup _withCurve = null!;
    private CacheGroup _withoutCurve = null!;
    private int _next;
    private int _nextNotSampled;
    private int _nextSampled;

    [GlobalSetup]
    public void Setup()
    {
        _estimator = new HitRatioEstimator(Workload.RoomyCapacity);
        _notSampled = _keys.Where(k => !_estimator.IsSampled(k)).ToArray();
        _sampled = _keys.Where(_estimator.IsSampled).ToArray();
        foreach (string key in _keys)
        {
            _estimator.Record(key, Workload.ValueBytes);
        }

        _withCurve = Group("bench-mrc", curve: true);
        _withoutCurve = Group("bench-no-mrc", curve: false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _withCurve.Dispose();
        _withoutCurve.Dispose();
    }

    [Benchmark]
    public void Record_NotSampled() => _estimator.Record(Next(_notSampled, ref _nextNotSampled), Workload.ValueBytes);

    [Benchmark]
    public void Record_Sampled() => _estimator.Record(Next(_sampled, ref _nextSampled), Workload.ValueBytes);

    [Benchmark(Baseline = true)]
    public int CacheGroup_GetAsync_Hit_WithoutCurve() => Hit(_withoutCurve);

    [Benchmark]
    public int CacheGroup_GetAsync_Hit_WithCurve() => Hit(_withCurve);

    private static string Next(string[] keys, ref int cursor)
    {
        cursor = cursor + 1 == keys.Length ? 0 : cursor + 1;
        return keys[cursor];
    }

    private static CacheGroup Group(string name, bool curve)
    {
        var group = new CacheGroup(name, (_, _) => throw new InvalidOperationException("every read must hit"), new CacheGroupOptions { CapacityBytes = Workload.RoomyCapacity, MissRatioCurve = curve });
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
