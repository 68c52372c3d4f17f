using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

/// <summary>Tests that measure a thread's allocations while they listen to every meter and activity source.</summary>
/// <remarks>
/// Alone, since another test's listener (a <see cref="MetricsRecorder"/>, the tracing tests' recording one)
/// would record this test's gets too, and allocate on its thread.
/// </remarks>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "Measured alone";
}

/// <summary>"A hit allocates nothing" (the README's engine), measured: a warmed hit with everything listening.</summary>
[Collection(MeasuredAlone.Name)]
public sealed class HitAllocationTests
{
    private const string Key = "user:42";
    private const int Hits = 10_000;

    // What a traced hit allocates on .NET 10: its Activity with its trace and span ids, its two tags (group
    // and result), and the execution context that carries it as Activity.Current while it runs.
    private const long TracedHitBytes = 624;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AWarmedHit_WithEveryInstrumentListenedToAndNoSpanSampled_AllocatesNothing(bool withLifetime)
    {
        using CacheGroup group = await WarmedGroupAsync(withLifetime);
        var counted = new StrongBox<long>();
        using var meters = new MeterListener { InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
        meters.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref counted.Value));
        meters.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref counted.Value));
        meters.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref counted.Value));
        meters.Start();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
        };
        ActivitySource.AddActivityListener(tracing);

        long allocated = AllocatedByHitsOnceSettled(group, settledAt: 0);

        Assert.Equal(0, allocated);

        // Each hit was recorded (its duration), so the listener was not idle.
        Assert.InRange(Interlocked.Read(ref counted.Value), Hits, long.MaxValue);
    }

    [Fact]
    public async Task AWarmedTracedHit_AllocatesItsSpan_AndNoMore()
    {
        using CacheGroup group = await WarmedGroupAsync(withLifetime: false);
        var spans = new StrongBox<long>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => Interlocked.Increment(ref spans.Value),
        };
        ActivitySource.AddActivityListener(tracing);

        long allocated = AllocatedByHitsOnceSettled(group, settledAt: Hits * TracedHitBytes);

        // Growth shows here: a tag more, a span more, or anything else a traced hit starts to allocate.
        TestContext.Current.TestOutputHelper?.WriteLine($"{(double)allocated / Hits} bytes per traced hit");
        Assert.Equal(Hits * TracedHitBytes, allocated);
        Assert.InRange(Interlocked.Read(ref spans.Value), Hits, long.MaxValue);
    }

    // A group on a clock that stands still: no value expires and no hot-key window ends while it is measured.
    private static async Task<CacheGroup> WarmedGroupAsync(bool withLifetime)
    {
        var group = new CacheGroup(
            "alloc-" + Guid.NewGuid().ToString("N"),
            (_, _) => ValueTask.FromResult<LoadedValue>(new byte[100]),
            new CacheGroupOptions { TimeProvider = new FakeTimeProvider(), TimeToLive = withLifetime ? TimeSpan.FromMinutes(1) : TimeSpan.Zero });
        Assert.Equal(CacheSource.Load, (await group.GetAsync(Key, TestContext.Current.CancellationToken)).Source);
        CacheResult hit = await group.GetAsync(Key, TestContext.Current.CancellationToken);
        Assert.Equal(CacheSource.Hit, hit.Source);
        Assert.Equal(withLifetime, hit.TimeToLive is not null);
        return group;
    }

    // On a thread of its own, so that nothing else runs on it between two readings of its allocations; the
    // least of passes of many hits, each measured apart, until one allocates at most settledAt (or for as
    // long as Waits allows). Passes allocate more until the runtime has moved the hit path's methods up
    // from their first, unoptimised JIT tier (the first passes once allocated 144 bytes a hit), which on a
    // loaded machine can take a while; an allocation of the optimised hit shows in every pass.
    private static long AllocatedByHitsOnceSettled(CacheGroup group, long settledAt)
    {
        long least = long.MaxValue;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var elapsed = Stopwatch.StartNew();
                while (least > settledAt && elapsed.Elapsed < Waits.DefaultBound)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < Hits; i++)
                    {
                        ValueTask<CacheResult> get = group.GetAsync(Key);
                        if (!get.IsCompletedSuccessfully || get.Result.Source != CacheSource.Hit)
                        {
                            throw new InvalidOperationException("A get of the warmed key was not a hit.");
                        }
                    }

                    least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
                }
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
        return least;
    }
}
