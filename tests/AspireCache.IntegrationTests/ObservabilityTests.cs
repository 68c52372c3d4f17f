using System.Globalization;
using System.Net;
using System.Text.Json;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The dashboards tell the truth: after a known workload, every panel query returns data from
/// Prometheus, and the cluster hit ratio it shows is the one the clients saw.
/// </summary>
public sealed partial class ObservabilityTests(PrometheusFixture fixture) : IClassFixture<PrometheusFixture>
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
        await WaitForPrometheusAsync("every target is up", async () =>
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
        await WaitForPrometheusAsync("Prometheus has scraped the whole workload", async () =>
            (await QueryAsync("sum(aspirecache_gets_total{aspirecache_group=\"demo\"})")).Single().Value == reads.Length);

        // The hit ratio first: the freshness workload below reads keys of another shape.
        using (JsonDocument overview = Dashboards.Load(RepositoryFiles.PathOf("grafana", "dashboards", "aspirecache-overview.json")))
        {
            string clusterHitRatio = Dashboards.Queries(overview).Single(q => q.Panel == "Cluster hit ratio").Expression;
            double prometheusHitRatio = (await QueryAsync(Dashboards.Substitute(clusterHitRatio))).Single().Value;
            Assert.InRange(prometheusHitRatio, clientHitRatio - 0.01, clientHitRatio + 0.01);
        }

        // About a quarter: a key is a hit when read at its owner after its first read loaded it there, or hot at a node that asked for it twice before.
        Assert.InRange(clientHitRatio, 0.1, 0.9);

        // Expiries, refreshes, stale serves and changes, so that their panels show more than zeros.
        await RunFreshnessWorkloadAsync();
        foreach (string counter in new[] { "expirations", "refreshes", "stale_serves", "removes", "writes", "clears" })
        {
            await WaitForPrometheusAsync($"Prometheus has seen aspirecache_{counter}_total move", async () =>
                (await QueryAsync($"sum(aspirecache_{counter}_total{{aspirecache_group=\"demo\"}})")).Single().Value > 0);
        }

        // The hot key stays hot while the panels are queried: a node's list empties one window after its gets stop.
        string hotKey = await ReadAHotKeyAsync();
        using var stopReading = new CancellationTokenSource();
        Task keepingItHot = KeepReadingAsync(fixture.Nodes["cache-2"], hotKey, stopReading.Token);

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

        await stopReading.CancelAsync();
        await keepingItHot;
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    // A key with a 2 s lifetime (the backend's ttl2- keys) is read at its owner until a hit in the last
    // fifth of its lifetime has refreshed it. A key read that often never expires; so then, with the
    // backend failing, its refresh fails, it expires, and reads are answered stale. Each loop waits for
    // a state the node reports, bounded in time.
    private async Task RunFreshnessWorkloadAsync()
    {
        HttpClient owner = fixture.Nodes["cache-0"];
        string key = ClusterFixture.KeyOwnedBy("cache-0", "ttl2-observed");
        await ReadUntilAsync(owner, key, "the owner has counted a refresh", async _ => await NodeCounterAsync(owner, "aspirecache_refreshes_total") > 0);

        using (HttpResponseMessage failing = await fixture.Backend.PostAsync("/faults/fail-all", null, Token))
        {
            Assert.True(failing.IsSuccessStatusCode);
        }

        try
        {
            await ReadUntilAsync(owner, key, "a read is answered stale", response => Task.FromResult(response.Headers.Contains("X-Cache-Stale")));
        }
        finally
        {
            using HttpResponseMessage healed = await fixture.Backend.DeleteAsync("/faults/fail-all", Token);
        }

        string changed = "observed-change";
        Assert.Equal(HttpStatusCode.NoContent, await AsAdminAsync(HttpMethod.Put, "/cache/demo/" + changed, new ByteArrayContent([1, 2, 3])));
        Assert.Equal(HttpStatusCode.NoContent, await AsAdminAsync(HttpMethod.Delete, "/cache/demo/" + changed, null));
        Assert.Equal(HttpStatusCode.NoContent, await AsAdminAsync(HttpMethod.Post, "/_admin/groups/demo/clear", null));
    }

    // One key read over and over at cache-2 until it reaches Prometheus as one of cache-2's hot keys, by its
    // keyed hash under the cluster's secret (a hash computed any other way never shows up), with its owner.
    // The hot-key table then has rows.
    private async Task<string> ReadAHotKeyAsync()
    {
        string key = ClusterFixture.KeyOwnedBy("cache-0", "hot-observed");
        string hash = new TelemetryKeyHash(ClusterFixture.KeyHashSecret).Of(key);
        string query = $"aspirecache_hot_key_rate{{aspirecache_group=\"demo\", instance=\"cache-2\", aspirecache_key_hash=\"{hash}\"}}";
        Sample[] hot = [];
        await ReadUntilAsync(fixture.Nodes["cache-2"], key, $"Prometheus has the key read at cache-2 among its hot keys ({query})", async _ =>
            (hot = await QueryAsync(query)).Length > 0);

        using JsonDocument labels = JsonDocument.Parse(Assert.Single(hot).Labels);
        Assert.Equal("cache-0", labels.RootElement.GetProperty("aspirecache_owner").GetString());
        Assert.False(labels.RootElement.TryGetProperty("aspirecache_key", out _), "keys never reach the metrics in clear");
        return key;
    }

    // Reads a key about ten times a second until stopped: a steady trickle, not a condition to wait for.
    private static async Task KeepReadingAsync(HttpClient node, string key, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage response = await node.GetAsync("/cache/demo/" + Uri.EscapeDataString(key), stop);
                await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static Task ReadUntilAsync(HttpClient node, string key, string what, Func<HttpResponseMessage, Task<bool>> done) =>
        Waits.UntilAsync(
            what,
            async () =>
            {
                using HttpResponseMessage response = await node.GetAsync("/cache/demo/" + Uri.EscapeDataString(key), Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await done(response);
            },
            PatienceForScrapes,
            TimeSpan.FromMilliseconds(50),
            Token);

    // A counter of the demo group as the node itself exposes it (its /metrics), without waiting for a scrape.
    private static async Task<double> NodeCounterAsync(HttpClient node, string name)
    {
        string text = await node.GetStringAsync("/metrics", Token);
        double sum = 0;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains("aspirecache_group=\"demo\"", StringComparison.Ordinal))
            {
                sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    private async Task<HttpStatusCode> AsAdminAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClusterFixture.AdminSecret);
        using HttpResponseMessage response = await fixture.Nodes["cache-1"].SendAsync(request, Token);
        return response.StatusCode;
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

    // Until Prometheus shows what a condition asks for; a query with no series yet does not show it yet.
    private static Task WaitForPrometheusAsync(string what, Func<Task<bool>> condition) =>
        Waits.UntilAsync(
            what,
            async () =>
            {
                try
                {
                    return await condition();
                }
                catch (InvalidOperationException)
                {
                    return false; // No series yet: Single() on an empty result.
                }
            },
            PatienceForScrapes,
            TimeSpan.FromMilliseconds(500),
            Token);

    private sealed record Sample(string Labels, double Value);

    private sealed class PrometheusQueryException(string message) : Exception(message);
}
