using System.Net;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The miss-ratio curve on the real node: the series an operator's dashboard reads from /metrics.</summary>
public sealed class HitRatioEstimateHttpTests(HitRatioEstimateHttpTests.CurveNodeFactory node) : IClassFixture<HitRatioEstimateHttpTests.CurveNodeFactory>
{
    /// <summary>The node with the demo group's miss-ratio curve on (it is off by default).</summary>
    public sealed class CurveNodeFactory : CacheNodeFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings) =>
            settings[$"Cache:Groups:{Group}:MissRatioCurve"] = "true";
    }

    /// <summary>
    /// One node (it has no peers) with a group of its own, which no other test's series can be mistaken
    /// for: its curve on, its hot cache off, so that its store sees every get, and room for 630 of the
    /// workload's entries (208 bytes each: a key of at most 5 chars, the stub's 64-byte value).
    /// </summary>
    public sealed class KnownWorkloadNodeFactory : CacheNodeFactory
    {
        public string GroupName { get; } = "curve-" + Guid.NewGuid().ToString("N");

        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            settings[$"Cache:Groups:{GroupName}:SourceService"] = "fuzzsource";
            settings[$"Cache:Groups:{GroupName}:CapacityBytes"] = "131072";
            settings[$"Cache:Groups:{GroupName}:HotCacheShare"] = "0";
            settings[$"Cache:Groups:{GroupName}:MissRatioCurve"] = "true";
        }
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_ShowTheEstimatedHitRatio_AtHalfToFourTimesTheCapacity()
    {
        using HttpClient admin = NodeClients.Admin(node);
        string run = Guid.NewGuid().ToString("N");
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 100; i++)
            {
                await admin.GetByteArrayAsync($"/cache/{CacheNodeFactory.Group}/mrc-{run}-{i}", Token);
            }
        }

        // The exporter caches a scrape for a moment: wait until all four points show.
        string[] multiples = ["0.5", "1", "2", "4"];
        await Waits.UntilAsync(
            "the four points of the curve are exported",
            async () =>
            {
                string[] series = await SeriesAsync();
                return multiples.All(m => series.Any(s => s.Contains($"aspirecache_capacity_multiple=\"{m}\"", StringComparison.Ordinal)));
            },
            cancellationToken: Token);

        Assert.All(await SeriesAsync(), line => Assert.InRange(double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), 0, 1));
    }

    [Fact]
    public async Task TheEstimateAtOneTimesTheCapacity_IsWithinTwoPointsOfTheStoresOwnHitRatio_OnAKnownWorkload()
    {
        const int gets = 6_000;
        await using var known = new KnownWorkloadNodeFactory();
        using HttpClient client = NodeClients.Anonymous(known);

        // Zipf 0.9 over 10,000 keys, one get at a time, so that the store's LRU order is the order of the gets.
        // A store of a few hundred entries or more: SHARDS samples half the keys, and in a smaller store the
        // few sampled keys within a reuse distance put the estimate about 2 points low (see the README's
        // "Accuracy"); 630 entries here, where 20 namings of these keys in process were at most 1.7 off.
        var ranks = new ZipfRanks(10_000, exponent: 0.9);
        var random = new Random(0);
        for (int i = 0; i < gets; i++)
        {
            using HttpResponseMessage get = await client.GetAsync($"/cache/{known.GroupName}/z{ranks.Next(random)}", Token);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        // The exporter caches a scrape for a moment: read one that has counted every get.
        double hits = 0;
        double evictions = 0;
        double? estimate = null;
        await Waits.UntilAsync(
            "a scrape counts every get of the workload",
            async () =>
            {
                string[] lines = await LinesAsync(known);
                hits = Sum(lines, "aspirecache_hits_total{", known.GroupName);
                evictions = Sum(lines, "aspirecache_evictions_total{", known.GroupName);
                estimate = Sum(lines, "aspirecache_hit_ratio_estimated{", known.GroupName, "aspirecache_capacity_multiple=\"1\"");
                return Sum(lines, "aspirecache_gets_total{", known.GroupName) == gets;
            },
            cancellationToken: Token);

        // A workload that outgrows the store, on the slope of the curve, where an estimate that counts sizes
        // or distances wrongly is off.
        double measured = hits / gets;
        TestContext.Current.TestOutputHelper?.WriteLine($"measured {measured:F4}, estimated {estimate:F4} at 1x, {evictions} evictions");
        Assert.InRange(evictions, 1, double.MaxValue);
        Assert.InRange(measured, 0.3, 0.7);
        Assert.NotNull(estimate);
        Assert.InRange(estimate.Value, measured - 0.02, measured + 0.02);
    }

    // The group's series, "name{labels} value [timestamp]" each.
    private async Task<string[]> SeriesAsync() =>
        [.. (await LinesAsync(node)).Where(l => IsSeries(l, "aspirecache_hit_ratio_estimated{", CacheNodeFactory.Group))];

    private static async Task<string[]> LinesAsync(CacheNodeFactory node)
    {
        using HttpClient anonymous = NodeClients.Anonymous(node);
        return (await anonymous.GetStringAsync("/metrics", Token)).Split('\n');
    }

    private static bool IsSeries(string line, string name, string group, string? label = null) =>
        line.StartsWith(name, StringComparison.Ordinal)
        && line.Contains($"aspirecache_group=\"{group}\"", StringComparison.Ordinal)
        && (label is null || line.Contains(label, StringComparison.Ordinal));

    // The sum over a series' lines: 0 when it has none.
    private static double Sum(string[] lines, string name, string group, string? label = null) =>
        lines.Where(l => IsSeries(l, name, group, label)).Sum(l => double.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
}
