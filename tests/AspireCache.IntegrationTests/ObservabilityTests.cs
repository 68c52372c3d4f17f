using System.Globalization;
using System.Net;
using System.Text.Json;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The dashboards tell the truth: after a known workload, every panel query returns data from
/// Prometheus, and the cluster hit ratio it shows is the one the clients saw.
/// </summary>
public sealed class ObservabilityTests(PrometheusFixture fixture) : IClassFixture<PrometheusFixture>
{
    private static readonly TimeSpan PatienceForScrapes = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryPanelQuery_ReturnsData_AndTheClusterHitRatioIsTheOneClientsSaw()
    {
        if (fixture.SkipReason is not null)
        {
            MissingTool.SkipOrFail(fixture.SkipReason);
        }

        // Prometheus has seen every node before the workload, so counters are known from zero.
        await WaitUntilAsync("every target is up", async () =>
            (await QueryAsync("sum(up{job=\"aspirecache\"})")).Single().Value == ClusterFixture.NodeNames.Length);

        // The workload: 200 keys, each read 5 times from random nodes.
        var random = new Random(20261125);
        HttpClient[] nodes = [.. fixture.Nodes.Values];
        string[] keys = [.. Enumerable.Range(0, 200).Select(i => $"observed-{i}")];
        (string Key, HttpClient Node)[] reads = [.. keys.SelectMany(key => Enumerable.Range(0, 5).Select(_ => (key, nodes[random.Next(nodes.Length)])))];
        random.Shuffle(reads);
        int hits = 0;
        await Parallel.ForEachAsync(reads, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Token }, async (read, ct) =>
        {
            using HttpResponseMessage response = await read.Node.GetAsync("/cache/demo/" + Uri.EscapeDataString(read.Key), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (response.Headers.GetValues("X-Cache-Result").Single() is "hit" or "hot")
            {
                Interlocked.Increment(ref hits);
            }
        });
        double clientHitRatio = hits / (double)reads.Length;

        // Until a scrape after the last request has landed.
        await WaitUntilAsync("Prometheus has scraped the whole workload", async () =>
            (await QueryAsync("sum(aspirecache_gets_total{aspirecache_group=\"demo\"})")).Single().Value == reads.Length);

        var failures = new List<string>();
        foreach (string file in Dashboards.Files)
        {
            using JsonDocument dashboard = Dashboards.Load(file);
            foreach ((string panel, string expression) in Dashboards.Queries(dashboard))
            {
                string query = Dashboards.Substitute(expression);
                try
                {
                    Sample[] samples = await QueryAsync(query);
                    if (!samples.Any(s => double.IsFinite(s.Value)))
                    {
                        failures.Add($"{Path.GetFileName(file)} / {panel}: no data for {query}");
                    }
                }
                catch (Exception ex) when (ex is PrometheusQueryException or HttpRequestException)
                {
                    failures.Add($"{Path.GetFileName(file)} / {panel}: {ex.Message}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        using JsonDocument overview = Dashboards.Load(RepositoryFiles.PathOf("grafana", "dashboards", "aspirecache-overview.json"));
        string clusterHitRatio = Dashboards.Queries(overview).Single(q => q.Panel == "Cluster hit ratio").Expression;
        double prometheusHitRatio = (await QueryAsync(Dashboards.Substitute(clusterHitRatio))).Single().Value;
        Assert.InRange(prometheusHitRatio, clientHitRatio - 0.01, clientHitRatio + 0.01);
        // About a quarter: a key is a hit when read at its owner after its first read loaded it there, or hot at a node that asked for it twice before.
        Assert.InRange(clientHitRatio, 0.1, 0.9);
    }

    private async Task<Sample[]> QueryAsync(string query)
    {
        using HttpResponseMessage response = await fixture.Prometheus.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query), Token);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        JsonElement root = body.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new PrometheusQueryException($"{root.GetProperty("error").GetString()} in {query}");
        }

        return [.. root.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => new Sample(
            series.GetProperty("metric").ToString(),
            double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    private static async Task WaitUntilAsync(string what, Func<Task<bool>> condition)
    {
        using var patience = new CancellationTokenSource(PatienceForScrapes);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (InvalidOperationException)
            {
                // No series yet: Single() on an empty result.
            }

            if (patience.IsCancellationRequested)
            {
                Assert.Fail($"Waited {PatienceForScrapes.TotalSeconds} s in vain until {what}.");
            }

            await Task.Delay(500, Token);
        }
    }

    private sealed record Sample(string Labels, double Value);

    private sealed class PrometheusQueryException(string message) : Exception(message);
}
