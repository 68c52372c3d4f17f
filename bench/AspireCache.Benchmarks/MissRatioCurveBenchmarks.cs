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

        _withCurve = Workload.FilledGroup("bench-mrc", new CacheGroupOptions { MissRatioCurve = true });
        _withoutCurve = Workload.FilledGroup("bench-no-mrc", new CacheGroupOptions { MissRatioCurve = false });
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
    public int CacheGroup_GetAsync_Hit_WithoutCurve() => Workload.Hit(_withoutCurve, ref _next);

    [Benchmark]
    public int CacheGroup_GetAsync_Hit_WithCurve() => Workload.Hit(_withCurve, ref _next);

    private static string Next(string[] keys, ref int cursor)
    {
        cursor = cursor + 1 == keys.Length ? 0 : cursor + 1;
        return keys[cursor];
    }
}
