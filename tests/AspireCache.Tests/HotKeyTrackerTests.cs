using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

/// <summary>Space-Saving over windows: which keys are hot, and how often they are requested.</summary>
public sealed class HotKeyTrackerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    [Fact]
    public void OnAZipfTrace_EveryRateIsNeverLow_AndAtMostItsOverestimateHigh_AndTheHeaviestKeysAreShown()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(10, clock, Window, countEveryGet: true);
        var trace = new ZipfTrace(seed: 7, keyCount: 10_000, accessCount: 200_000, exponent: 1.0, minValueBytes: 1, maxValueBytes: 2);
        var exact = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (int id in trace.Accesses)
        {
            string key = trace.Keys[id];
            tracker.Record(key);
            exact[key] = exact.GetValueOrDefault(key) + 1;
        }

        clock.Advance(Window);
        IReadOnlyList<HotKeyRate> hottest = tracker.HotKeys();

        // Only keys sure to have more than 1/80 of the gets (80 counters for 10 keys shown) are shown: here the
        // 9th and 10th most requested fall under that (1.1 % and 1.0 % of the gets).
        Assert.InRange(hottest.Count, 5, 10);
        foreach (HotKeyRate hot in hottest)
        {
            Assert.True(exact[hot.Key] > trace.Accesses.Length / 80, $"{hot.Key} is shown with {exact[hot.Key]} gets of {trace.Accesses.Length}");
            // Space-Saving's guarantee: a count is never below the truth, and at most its overestimate above it.
            double counted = hot.GetsPerSecond * Window.TotalSeconds;
            int truth = exact[hot.Key];
            Assert.InRange(truth, counted - hot.MaxOverestimate * Window.TotalSeconds - 1e-6, counted + 1e-6);
        }

        Assert.True(hottest.Zip(hottest.Skip(1)).All(pair => pair.First.GetsPerSecond >= pair.Second.GetsPerSecond), "most requested first");

        // The five heaviest keys (each over 2 % of the gets, above the 1/80 that Space-Saving vouches for with 80 counters) are all shown.
        string[] heaviest = [.. exact.OrderByDescending(pair => pair.Value).Take(5).Select(pair => pair.Key)];
        Assert.Subset(hottest.Select(h => h.Key).ToHashSet(), heaviest.ToHashSet());
    }

    [Fact]
    public void Rates_AreGetsPerSecondOfTheLastCompleteWindow_AndNothingBeforeOneEnds()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(3, clock, Window, countEveryGet: true);
        RecordTimes(tracker, "a", 500);
        RecordTimes(tracker, "b", 200);
        RecordTimes(tracker, "c", 100);
        RecordTimes(tracker, "d", 50);

        Assert.Empty(tracker.HotKeys());

        clock.Advance(Window);
        Assert.Equal(
            [new HotKeyRate("a", 50, 0), new HotKeyRate("b", 20, 0), new HotKeyRate("c", 10, 0)],
            tracker.HotKeys());

        // The next window counts from nothing: "a" cooled down and is gone; until it ends, the last one is shown.
        RecordTimes(tracker, "e", 40);
        Assert.Equal("a", tracker.HotKeys()[0].Key);
        clock.Advance(Window);
        Assert.Equal([new HotKeyRate("e", 4, 0)], tracker.HotKeys());

        // A window in which nothing was requested shows nothing.
        clock.Advance(Window);
        Assert.Empty(tracker.HotKeys());
    }

    [Fact]
    public void AKeyThatTakesOverACounter_CarriesTheCountItTookOver_AsItsPossibleOverestimate()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(1, clock, Window, countEveryGet: true);

        // 64 counters (the least for one key shown), each key counted 3 times, then one more key 20 times.
        for (int i = 0; i < 64; i++)
        {
            RecordTimes(tracker, "key:" + i, 3);
        }

        RecordTimes(tracker, "late", 20);
        clock.Advance(Window);

        // "late" took over a counter of 3 and was counted 20 times more: 23, of which 3 may be another key's.
        HotKeyRate late = Assert.Single(tracker.HotKeys());
        Assert.Equal("late", late.Key);
        Assert.Equal(2.3, late.GetsPerSecond, 9);
        Assert.Equal(0.3, late.MaxOverestimate, 9);
    }

    [Fact]
    public void WhenNoKeyStandsOut_NoneIsShownAsHot()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(10, clock, Window, countEveryGet: true);

        // 1,000 keys in turn, 100 times each: the counters hold whichever keys came last, each sure of one get.
        for (int round = 0; round < 100; round++)
        {
            for (int i = 0; i < 1000; i++)
            {
                tracker.Record("flat:" + i);
            }
        }

        clock.Advance(Window);
        Assert.Empty(tracker.HotKeys());
    }

    [Fact]
    public void TwoThreadsRecordingAtOnce_LoseNoCount()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(3, clock, Window, countEveryGet: true);

        Parallel.For(0, 2, thread =>
        {
            for (int i = 0; i < 50_000; i++)
            {
                tracker.Record("hot");
                tracker.Record($"cold:{thread}:{i % 500}");
            }
        });

        clock.Advance(Window);
        HotKeyRate hot = tracker.HotKeys()[0];
        Assert.Equal("hot", hot.Key);
        Assert.Equal(10_000, hot.GetsPerSecond, 9);
        Assert.Equal(0, hot.MaxOverestimate);
    }

    [Fact]
    public void ABusyTracker_CountsAboutSamplesPerWindow_AndItsRatesStayRight()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(5, clock, Window, countEveryGet: false);

        // Three windows of the same traffic: 16,000 gets a second of one key among as many spread over 1,000
        // others. The first counts every get (a window starts counting all); the next count about 4,096.
        for (int window = 0; window < 3; window++)
        {
            for (int i = 0; i < 160_000; i++)
            {
                tracker.Record("hot");
                tracker.Record("cold:" + (i % 1000));
            }

            clock.Advance(Window);
            HotKeyRate first = tracker.HotKeys()[0];
            Assert.Equal("hot", first.Key);

            // At least 2,000 samples of the hot key: a standard error of 2.2 %; 10 % is a bound no seed breaks.
            Assert.InRange(first.GetsPerSecond, 14_400, 17_600);
        }

        // 320,000 gets a window over 4,096 samples.
        Assert.InRange(tracker.SampleEvery, 70, 90);
    }

    [Fact]
    public void AQuietTracker_CountsEveryGet()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(3, clock, Window, countEveryGet: false);
        RecordTimes(tracker, "a", 30);
        RecordTimes(tracker, "b", 20);
        clock.Advance(Window);

        Assert.Equal([new HotKeyRate("a", 3, 0), new HotKeyRate("b", 2, 0)], tracker.HotKeys());
        Assert.Equal(1, tracker.SampleEvery);
    }

    [Fact]
    public void ABurstAfterAQuietWindow_EndsItsWindowEarly_SoTheWorkStaysBounded()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(3, clock, Window, countEveryGet: false);
        clock.Advance(Window);
        Assert.Empty(tracker.HotKeys());

        // A quiet window counts every get; 4 × 4,096 of them within a second end it, at their real rate.
        clock.Advance(TimeSpan.FromSeconds(1));
        RecordTimes(tracker, "burst", 4 * HotKeyTracker.SamplesPerWindow);

        HotKeyRate burst = Assert.Single(tracker.HotKeys());
        Assert.Equal(4 * HotKeyTracker.SamplesPerWindow, burst.GetsPerSecond, 9);
        Assert.Equal(40, tracker.SampleEvery);
    }

    private static void RecordTimes(HotKeyTracker tracker, string key, int times)
    {
        for (int i = 0; i < times; i++)
        {
            tracker.Record(key);
        }
    }
}
