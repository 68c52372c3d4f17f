namespace AspireCache.Tests;

/// <summary>The miss-ratio curve: exact reuse distances, the SHARDS estimate against an exact LRU, its cost and its gauge.</summary>
public class MissRatioCurveTests
{
    private static readonly double[] Multiples = [0.5, 1, 2, 4];

    // 200,000 accesses over 20,000 keys, Zipf 0.9, values of 50 B to 5 KB; built once, shared by the tests.
    private static readonly Lazy<ZipfTrace> Trace = new(() => new ZipfTrace(seed: 13, keyCount: 20_000, accessCount: 200_000, exponent: 0.9, minValueBytes: 50, maxValueBytes: 5_000));

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    // A twentieth of all entries' bytes: the curve then runs from a fortieth to a fifth of them.
    private static long BaseCapacity => Trace.Value.TotalBytes() / 20;

    [Fact]
    public void Tracker_CountsTheBytesOfOtherKeysAccessedSinceTheKeysLastAccess()
    {
        var tracker = new ReuseDistanceTracker(maxKeys: 8);

        Assert.Equal(ReuseDistanceTracker.FirstAccess, tracker.Access(1, 10));
        Assert.Equal(ReuseDistanceTracker.FirstAccess, tracker.Access(2, 20));
        Assert.Equal(ReuseDistanceTracker.FirstAccess, tracker.Access(3, 30));
        Assert.Equal(50, tracker.Access(1, 10));  // 2 and 3 since
        Assert.Equal(40, tracker.Access(2, 25));  // 3 and 1 since; 2 now counts 25
        Assert.Equal(0, tracker.Access(2, 25));   // nothing since
        Assert.Equal(35, tracker.Access(3, 30));  // 1 and 2 (at 25) since, each once
        tracker.Forget(1);
        Assert.Equal(30, tracker.Access(2, 25));  // 3 since; 1 is forgotten
        Assert.Equal(55, tracker.Bytes);
    }

    [Fact]
    public void Tracker_AgreesWithANaiveRecencyList_AcrossManyCompactions()
    {
        const int keyCount = 50;
        var tracker = new ReuseDistanceTracker(maxKeys: keyCount);
        var recency = new List<(ulong Key, long Size)>(); // first is the newest
        var random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            ulong key = (ulong)random.Next(keyCount);
            long size = 1 + random.Next(1_000);
            int index = recency.FindIndex(e => e.Key == key);
            long expected = index < 0 ? ReuseDistanceTracker.FirstAccess : recency.Take(index).Sum(e => e.Size);
            if (index >= 0)
            {
                recency.RemoveAt(index);
            }

            recency.Insert(0, (key, size));
            Assert.Equal(expected, tracker.Access(key, size));
        }
    }

    [Fact]
    public void Estimate_IsWithinTwoPointsOfAnExactLruInBytes_AtHalfToFourTimesTheCapacity()
    {
        ZipfTrace trace = Trace.Value;
        var estimator = new HitRatioEstimator(BaseCapacity);
        foreach (int id in trace.Accesses)
        {
            estimator.Record(trace.Keys[id], trace.Values[id].Length);
        }

        AssertWithinTwoPoints(trace, m => estimator.EstimateHitRatio(m));
        TestContext.Current.TestOutputHelper?.WriteLine($"rate {estimator.Rate}, sampled keys {estimator.SampledKeys}");
    }

    [Fact]
    public async Task Group_HitRatioEqualsTheExactLru_AndItsCurveIsWithinTwoPoints()
    {
        ZipfTrace trace = Trace.Value;
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < trace.Keys.Length; id++)
        {
            ids[trace.Keys[id]] = id;
        }

        using var group = new CacheGroup(
            "mrc-" + Guid.NewGuid().ToString("N"),
            (key, _) => ValueTask.FromResult<LoadedValue>(trace.Values[ids[key]]),
            new CacheGroupOptions { CapacityBytes = BaseCapacity, HotCacheShare = 0, MissRatioCurve = true });
        foreach (int id in trace.Accesses)
        {
            await group.GetAsync(trace.Keys[id], TestToken);
        }

        // The store is the exact LRU (one caller applies its hits in order); the curve is estimated.
        Assert.Equal(trace.ExactHitRatio(BaseCapacity), (double)group.Stats.Hits / group.Stats.Gets, precision: 6);
        AssertWithinTwoPoints(trace, group.EstimateHitRatio);
    }

    [Fact]
    public void Record_OfKeysNotSampled_AndOfSampledKeysAlreadySeen_AllocatesNothing()
    {
        var estimator = new HitRatioEstimator(1 << 20);
        string[] keys = Enumerable.Range(0, 2_000).Select(i => "key:" + i).ToArray();
        string[] notSampled = keys.Where(k => !estimator.IsSampled(k)).ToArray();
        string[] sampled = keys.Where(estimator.IsSampled).ToArray();
        Assert.NotEmpty(sampled);
        foreach (string key in keys)
        {
            estimator.Record(key, 100);
        }

        // Measured in the steady state: the first pass may meet the runtime's one-time work on this thread
        // (a method moving up a JIT tier while other tests load the machine once allocated 88 bytes here).
        long allocatedNotSampled = 0;
        long allocatedSampled = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int round = 0; round < 100; round++)
            {
                foreach (string key in notSampled)
                {
                    estimator.Record(key, 100);
                }
            }

            long afterNotSampled = GC.GetAllocatedBytesForCurrentThread();

            // Many rounds over the sampled keys also run the tracker's compaction.
            for (int round = 0; round < 100; round++)
            {
                foreach (string key in sampled)
                {
                    estimator.Record(key, 100);
                }
            }

            allocatedNotSampled = afterNotSampled - before;
            allocatedSampled = GC.GetAllocatedBytesForCurrentThread() - afterNotSampled;
        }

        Assert.Equal(0, allocatedNotSampled);
        Assert.Equal(0, allocatedSampled);
    }

    [Fact]
    public void Sample_StaysWithinItsBound_AsTheRateDrops()
    {
        var estimator = new HitRatioEstimator(1 << 20, maxSampledKeys: 100, initialRate: 1);
        for (int i = 0; i < 10_000; i++)
        {
            estimator.Record("key:" + i, 100);
            Assert.InRange(estimator.SampledKeys, 0, 100);
        }

        // 10,000 keys, 100 kept: the rate settles near 1/100.
        Assert.InRange(estimator.Rate, 0.005, 0.02);

        // The keys kept are exactly those below the lowered threshold.
        Assert.Equal(estimator.SampledKeys, Enumerable.Range(0, 10_000).Count(i => estimator.IsSampled("key:" + i)));
    }

    [Fact]
    public void Estimate_FollowsTheCurrentWorkload_AsOldAccessesAgeAway()
    {
        // Room for 1,000 entries. First a scan of keys never seen twice (nothing would hit), then a loop over
        // 200 keys (everything would hit), long enough for the scan to have been halved away eight times:
        // 64 keys sampled of the 2,000 put the rate near 1/32, so a halving comes every 16 × 64 × 32 accesses.
        long entry = LruStore.SizeOf("key:00000", new byte[100]);
        var estimator = new HitRatioEstimator(1_000 * entry, maxSampledKeys: 64, initialRate: 1);
        for (int i = 0; i < 2_000; i++)
        {
            estimator.Record("scan:" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), 100);
        }

        Assert.InRange(estimator.EstimateHitRatio(4)!.Value, 0, 0.05);
        string[] loop = Enumerable.Range(0, 200).Select(i => "key:" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (int i = 0; i < 8 * 16 * 64 * 32; i++)
        {
            estimator.Record(loop[i % loop.Length], 100);
        }

        Assert.InRange(estimator.EstimateHitRatio(1)!.Value, 0.99, 1);
    }

    [Fact]
    public async Task Gauge_PublishesTheEstimateAtHalfToFourTimesTheCapacity_ByGroup()
    {
        string name = "mrc-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        using var group = new CacheGroup(name, (_, _) => ValueTask.FromResult<LoadedValue>(new byte[100]), new CacheGroupOptions { HotCacheShare = 0, MissRatioCurve = true });
        Assert.Empty(metrics.ObservedValues("aspirecache.hit_ratio.estimated"));

        // 200 keys that all fit, three times: two thirds would hit at any capacity, give or take the sample.
        string[] keys = Enumerable.Range(0, 200).Select(i => "key:" + i).ToArray();
        for (int round = 0; round < 3; round++)
        {
            foreach (string key in keys)
            {
                await group.GetAsync(key, TestToken); // a miss the first round, hits after
            }
        }

        foreach (double multiple in Multiples)
        {
            string tag = multiple.ToString(System.Globalization.CultureInfo.InvariantCulture);
            double observed = Assert.Single(metrics.ObservedValues("aspirecache.hit_ratio.estimated", ("aspirecache.capacity.multiple", tag)));
            Assert.InRange(observed, 0.6, 0.73);
            Assert.Equal<double?>(observed, group.EstimateHitRatio(multiple));
        }
    }

    [Fact]
    public async Task MissRatioCurveOff_EstimatesNothing()
    {
        using var group = new CacheGroup("mrc-off", (_, _) => ValueTask.FromResult<LoadedValue>(new byte[100]), new CacheGroupOptions { MissRatioCurve = false });
        for (int i = 0; i < 100; i++)
        {
            await group.GetAsync("key:" + (i % 10), TestToken);
        }

        Assert.Null(group.EstimateHitRatio(1));
    }

    private static void AssertWithinTwoPoints(ZipfTrace trace, Func<double, double?> estimate)
    {
        foreach (double multiple in Multiples)
        {
            double exact = trace.ExactHitRatio((long)(multiple * BaseCapacity));
            double estimated = estimate(multiple)!.Value;
            TestContext.Current.TestOutputHelper?.WriteLine($"{multiple}x: exact {exact:F4}, estimated {estimated:F4}, error {(estimated - exact) * 100:+0.00;-0.00} points");
            Assert.InRange(estimated, exact - 0.02, exact + 0.02);
        }
    }
}
