using AspireCache.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LoadGenerator.Tests;

public sealed class TrafficRunTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TrafficMetrics _metrics;

    public TrafficRunTests() => _metrics = new TrafficMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task OneSecondAtRate100_StartsExactly100Reads_OfSkewedKeys()
    {
        var target = new FakeTarget();
        TrafficRun run = Start(new TrafficSettings(100, 50, 1.0, TrafficRoute.Nodes), target, maxInFlight: 1000);

        _time.Advance(TimeSpan.FromSeconds(1));
        await Waits.UntilAsync("100 reads have finished", () => run.Status().Reads == 100, cancellationToken: TestContext.Current.CancellationToken);

        TrafficStatus status = run.Status();
        Assert.True(status.Running);
        Assert.Equal(100, status.AchievedRate);
        Assert.Equal(0, status.Errors);
        Assert.Equal(100, status.Results["hit"]);
        Assert.All(target.Keys, k => Assert.StartsWith("item-", k, StringComparison.Ordinal));
        Assert.True(target.Keys.Count(k => k == "item-0") > target.Keys.Count(k => k == "item-49"), "the top-ranked key is read more often than the last");

        await run.StopAsync();
        Assert.False(run.Status().Running);
    }

    [Fact]
    public async Task EachTenMillisecondTick_StartsTheReadsDueByThen_NotABurstPerSecond()
    {
        var target = new FakeTarget();
        TrafficRun run = Start(new TrafficSettings(100, 10, 1.0, TrafficRoute.Nodes), target, maxInFlight: 1000);

        for (int tick = 1; tick <= 5; tick++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await Waits.UntilAsync($"{tick} reads have finished", () => run.Status().Reads == tick, cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal(5, target.Started);
        await run.StopAsync();
    }

    [Fact]
    public async Task ReadsDueWhileMaxInFlightAreOut_AreSkippedAndCounted_NotQueued()
    {
        var target = new FakeTarget { Hold = new TaskCompletionSource() };
        TrafficRun run = Start(new TrafficSettings(100, 10, 0, TrafficRoute.Nodes), target, maxInFlight: 10);
        using var reads = new MetricCollector<long>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TrafficMetrics.MeterName, "aspirecache.loadgen.skipped");

        _time.Advance(TimeSpan.FromSeconds(1));
        await Waits.UntilAsync("90 reads are skipped", () => run.Status().Skipped == 90, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(10, target.Started);
        Assert.Equal(10, run.InFlight);
        Assert.Equal(90, reads.GetMeasurementSnapshot().EvaluateAsCounter());

        target.Hold.SetResult();
        await Waits.UntilAsync("the 10 held reads finish", () => run.Status().Reads == 10, cancellationToken: TestContext.Current.CancellationToken);
        await run.StopAsync();
    }

    [Fact]
    public async Task FailedReads_AreErrors_WithTheLastMessage_AndRecordedByResult()
    {
        var target = new FakeTarget { Failure = new HttpRequestException("node said 502") };
        using var reads = new MetricCollector<long>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TrafficMetrics.MeterName, "aspirecache.loadgen.reads");
        TrafficRun run = Start(new TrafficSettings(10, 10, 1.0, TrafficRoute.Owner), target, maxInFlight: 100);

        _time.Advance(TimeSpan.FromSeconds(1));
        await Waits.UntilAsync("10 reads have failed", () => run.Status().Errors == 10, cancellationToken: TestContext.Current.CancellationToken);

        TrafficStatus status = run.Status();
        Assert.Equal(10, status.Reads);
        Assert.Equal(10, status.Results["error"]);
        Assert.Equal("node said 502", status.LastError);
        Assert.All(reads.GetMeasurementSnapshot(), m =>
        {
            Assert.Equal("error", m.Tags["aspirecache.result"]);
            Assert.Equal("owner", m.Tags["aspirecache.loadgen.route"]);
        });
        await run.StopAsync();
    }

    [Fact]
    public async Task Stop_CancelsReadsStillOut_WithoutCountingThemAsErrors_AndStartsNoMore()
    {
        var target = new FakeTarget { Hold = new TaskCompletionSource() };
        TrafficRun run = Start(new TrafficSettings(10, 10, 1.0, TrafficRoute.Nodes), target, maxInFlight: 100);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Waits.UntilAsync("10 reads are out", () => target.Started == 10, cancellationToken: TestContext.Current.CancellationToken);

        await run.StopAsync();

        // Stop returns once every read has: the status it leaves is final.
        Assert.Equal(0, run.InFlight);
        _time.Advance(TimeSpan.FromSeconds(5));

        TrafficStatus status = run.Status();
        Assert.False(status.Running);
        Assert.Equal(0, status.Errors);
        Assert.Equal(0, status.Reads);
        Assert.Equal(10, target.Started);
        Assert.Equal(1, status.Seconds);
    }

    [Fact]
    public async Task EachRead_IsOutsideTheTraceOfTheRequestThatStartedTheRun()
    {
        var target = new FakeTarget();
        using var request = new System.Diagnostics.Activity("POST /start");
        request.Start();
        TrafficRun run = Start(new TrafficSettings(10, 10, 1.0, TrafficRoute.Nodes), target, maxInFlight: 100);
        request.Stop();

        _time.Advance(TimeSpan.FromSeconds(1));
        await Waits.UntilAsync("10 reads have finished", () => run.Status().Reads == 10, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(10, target.Parents.Count);
        Assert.All(target.Parents, parent => Assert.Null(parent));
        await run.StopAsync();
    }

    private TrafficRun Start(TrafficSettings settings, FakeTarget target, int maxInFlight)
    {
        var run = new TrafficRun(settings, target, "demo", maxInFlight, _metrics, _time, NullLogger.Instance);
        run.Start();
        return run;
    }

    private sealed class FakeTarget : ITrafficTarget
    {
        private int _started;

        public TaskCompletionSource? Hold { get; init; }

        public Exception? Failure { get; init; }

        public System.Collections.Concurrent.ConcurrentBag<string> Keys { get; } = [];

        public int Started => Volatile.Read(ref _started);

        public System.Collections.Concurrent.ConcurrentBag<string?> Parents { get; } = [];

        public async Task<string> ReadAsync(string group, string key, CancellationToken cancellationToken)
        {
            Keys.Add(key);
            Parents.Add(System.Diagnostics.Activity.Current?.OperationName);
            Interlocked.Increment(ref _started);
            if (Hold is not null)
            {
                await Hold.Task.WaitAsync(cancellationToken);
            }

            return Failure is null ? "hit" : throw Failure;
        }
    }
}
