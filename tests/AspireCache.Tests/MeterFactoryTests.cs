using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AspireCache.Tests;

/// <summary>Groups built with a host's <see cref="IMeterFactory"/> publish on that host's meter only.</summary>
public class MeterFactoryTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AGroupBuiltWithAFactory_PublishesOnTheFactorysMeter()
    {
        using ServiceProvider host = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory meters = host.GetRequiredService<IMeterFactory>();
        Meter meter = meters.Create(new MeterOptions(AspireCacheDiagnostics.MeterName));
        using var gets = new MetricCollector<long>(meter, "aspirecache.gets");
        using var durations = new MetricCollector<double>(meter, "aspirecache.get.duration");
        using CacheGroup group = Group("users", meters);

        await group.GetAsync("a", TestToken);
        await group.GetAsync("a", TestToken);

        gets.RecordObservableInstruments();
        Assert.Equal(2, Assert.Single(gets.GetMeasurementSnapshot(), m => m.Tags["aspirecache.group"] is "users").Value);
        Assert.Equal(2, durations.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task TwoHostsWithAGroupOfTheSameName_DoNotSeeEachOthersValues()
    {
        using ServiceProvider first = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using ServiceProvider second = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory firstMeters = first.GetRequiredService<IMeterFactory>();
        IMeterFactory secondMeters = second.GetRequiredService<IMeterFactory>();
        using var firstGets = new MetricCollector<long>(firstMeters.Create(new MeterOptions(AspireCacheDiagnostics.MeterName)), "aspirecache.gets");
        using var secondGets = new MetricCollector<long>(secondMeters.Create(new MeterOptions(AspireCacheDiagnostics.MeterName)), "aspirecache.gets");
        using CacheGroup inFirst = Group("users", firstMeters);
        using CacheGroup inSecond = Group("users", secondMeters);
        using CacheGroup withoutFactory = Group("users", meters: null); // On the process-wide meter: in neither host's.

        await inFirst.GetAsync("a", TestToken);
        for (int i = 0; i < 3; i++)
        {
            await inSecond.GetAsync("a", TestToken);
        }

        for (int i = 0; i < 5; i++)
        {
            await withoutFactory.GetAsync("a", TestToken);
        }

        firstGets.RecordObservableInstruments();
        secondGets.RecordObservableInstruments();
        Assert.Equal(1, Assert.Single(firstGets.GetMeasurementSnapshot()).Value);
        Assert.Equal(3, Assert.Single(secondGets.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task ADisposedGroup_LeavesItsFactorysMeter()
    {
        using ServiceProvider host = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory meters = host.GetRequiredService<IMeterFactory>();
        using var entries = new MetricCollector<long>(meters.Create(new MeterOptions(AspireCacheDiagnostics.MeterName)), "aspirecache.entry.count");
        using CacheGroup kept = Group("kept", meters);
        CacheGroup gone = Group("gone", meters);
        await kept.GetAsync("a", TestToken);
        await gone.GetAsync("a", TestToken);

        gone.Dispose();

        entries.RecordObservableInstruments();
        Assert.Equal("kept", Assert.Single(entries.GetMeasurementSnapshot()).Tags["aspirecache.group"]);
    }

    private static CacheGroup Group(string name, IMeterFactory? meters) =>
        new(name, (key, _) => ValueTask.FromResult<LoadedValue>(new byte[10]), new CacheGroupOptions { MeterFactory = meters });
}
