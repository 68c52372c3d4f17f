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

    // The group's series, "name{labels} value [timestamp]" each.
    private async Task<string[]> SeriesAsync()
    {
        using HttpClient anonymous = NodeClients.Anonymous(node);
        string metrics = await anonymous.GetStringAsync("/metrics", Token);
        return metrics.Split('\n')
            .Where(l => l.StartsWith("aspirecache_hit_ratio_estimated{", StringComparison.Ordinal) && l.Contains($"aspirecache_group=\"{CacheNodeFactory.Group}\"", StringComparison.Ordinal))
            .ToArray();
    }
}
