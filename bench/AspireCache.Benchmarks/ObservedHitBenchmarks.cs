using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;

namespace AspireCache.Benchmarks;

/// <summary>The group's hit path while a listener (as OpenTelemetry would be) records the get-duration histogram.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class ObservedHitBenchmarks
{
    private MeterListener _listener = null!;
    private CacheGroup _group = null!;
    private double _sink;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _group = Workload.FilledGroup("bench-observed", new CacheGroupOptions());

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AspireCacheDiagnostics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => _sink += value);
        _listener.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.Dispose();
        _group.Dispose();
    }

    [Benchmark]
    public int CacheGroup_GetAsync_Hit_WhileObserved() => Workload.Hit(_group, ref _next);
}
