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
        var tracker = new HotKeyTracker(10, clock, Window, sampleEvery: 1);
        var trace = new ZipfTrace(seed: 7, keyCount: 10_000, accessCount: 200_000, exponent: 1.0, minValueBytes: 1, maxValueBytes: 2);
        var exact = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (int id in trace.Accesses)
        {
            string key = trace.Keys[id];
            tracker.Record(key);
            exact[key] = exact.GetValueOrDefault(key) + 1;
        }

        clock.Advance(Window);
        IReadOnlyList<HotKeyRate> hottest = tracker.Hottest();

        Assert.Equal(10, hottest.Count);
        foreach (HotKeyRate hot in hottest)
        {
            // Space-Saving's guarantee: a count is never below the truth, and at most its overestimate above it.
            double counted = hot.RequestsPerSecond * Window.TotalSeconds;
            int truth = exact[hot.Key];
            Assert.InRange(truth, counted - hot.MaxOverestimate * Window.TotalSeconds - 1e-6, counted + 1e-6);
        }

        Assert.True(hottest.Zip(hottest.Skip(1)).All(pair => pair.First.RequestsPerSecond >= pair.Second.RequestsPerSecond), "most requested first");

        // The five heaviest keys (each over 2 % of the gets, far above the 1/64 that Space-Saving is sure to hold) are all shown.
        string[] heaviest = [.. exact.OrderByDescending(pair => pair.Value).Take(5).Select(pair => pair.Key)];
        Assert.Subset(hottest.Select(h => h.Key).ToHashSet(), heaviest.ToHashSet());
    }

    [Fact]
    public void Rates_AreGetsPerSecondOfTheLastCompleteWindow_AndNothingBeforeOneEnds()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(3, clock, Window, sampleEvery: 1);
        RecordTimes(tracker, "a", 500);
        RecordTimes(tracker, "b", 200);
        RecordTimes(tracker, "c", 100);
        RecordTimes(tracker, "d", 50);

        Assert.Empty(tracker.Hottest());

        clock.Advance(Window);
        Assert.Equal(
            [new HotKeyRate("a", 50, 0), new HotKeyRate("b", 20, 0), new HotKeyRate("c", 10, 0)],
            tracker.Hottest());

        // The next window counts from nothing: "a" cooled down and is gone; until it ends, the last one is shown.
        RecordTimes(tracker, "e", 40);
        Assert.Equal("a", tracker.Hottest()[0].Key);
        clock.Advance(Window);
        Assert.Equal([new HotKeyRate("e", 4, 0)], tracker.Hottest());

        // A window in which nothing was requested shows nothing.
        clock.Advance(Window);
        Assert.Empty(tracker.Hottest());
    }

    [Fact]
    public void AKeyThatTakesOverACounter_CarriesTheCountItTookOver_AsItsPossibleOverestimate()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(1, clock, Window, sampleEvery: 1);

        // 64 counters (the least for one key shown), each key counted 3 times, then one more key twice.
        for (int i = 0; i < 64; i++)
        {
            RecordTimes(tracker, "key:" + i, 3);
        }

        RecordTimes(tracker, "late", 2);
        clock.Advance(Window);

        // "late" took over a counter of 3 and was counted twice more: 5, of which 3 may be another key's.
        Assert.Equal([new HotKeyRate("late", 0.5, 0.3)], tracker.Hottest());
    }

    [Fact]
    public void Sampled_OneGetInSixteen_EstimatesTheRateOfAHotKey()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HotKeyTracker(5, clock, Window, sampleEvery: 16);

        // 160,000 gets of one key among 160,000 spread over 1,000 others: 16,000 a second over the window.
        for (int i = 0; i < 160_000; i++)
        {
            tracker.Record("hot");
            tracker.Record("cold:" + (i % 1000));
        }

        clock.Advance(Window);
        HotKeyRate first = tracker.Hottest()[0];

        // About 10,000 samples of the hot key: the estimate's standard error is 1 %; 10 % is a bound no seed breaks.
        Assert.Equal("hot", first.Key);
        Assert.InRange(first.RequestsPerSecond, 14_400, 17_600);
    }

    private static void RecordTimes(HotKeyTracker tracker, string key, int times)
    {
        for (int i = 0; i < times; i++)
        {
            tracker.Record(key);
        }
    }
}
