using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace AspireCache.IntegrationTests;

/// <summary>
/// An alert of prometheus/alerts.yml goes the whole way: it fires in the AppHost's Prometheus, goes through
/// its Alertmanager and arrives as a line in the log of the alerts resource, where the operator reads it.
/// </summary>
public sealed partial class ObservabilityTests
{
    private const string StoppedNode = "cache-2";

    // AspireCacheNodeDown holds for 1 minute before it fires; Prometheus sends it within an evaluation (1 s
    // here), Alertmanager after its group_wait (5 s). The bounds leave a loaded CI machine more than twice that.
    private static readonly TimeSpan PatienceForFiring = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan PatienceForDelivery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PatienceForResources = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AStoppedNode_FiresAspireCacheNodeDown_WhichAlertmanagerDeliversToTheAlertsResource()
    {
        if (fixture.SkipReason is not null)
        {
            MissingTool.SkipOrFail(fixture.SkipReason);
        }

        if (PrometheusFixture.AlertmanagerMissingReason() is string missing)
        {
            MissingTool.SkipOrFail(missing);
        }

        DistributedApplication app = fixture.App;
        foreach (string resource in new[] { "alerts", "alertmanager" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.StopOnResourceUnavailable, Token).WaitAsync(PatienceForResources, Token);
        }

        using var alertmanager = new HttpClient { BaseAddress = app.GetEndpoint("alertmanager", "http"), Timeout = TimeSpan.FromSeconds(30) };
        await Waits.UntilAsync(
            $"Prometheus lists the AppHost's Alertmanager ({alertmanager.BaseAddress}) as active",
            async () => (await ActiveAlertmanagersAsync()).Any(url => url.Port == alertmanager.BaseAddress!.Port),
            PatienceForScrapes,
            TimeSpan.FromMilliseconds(500),
            Token);

        // Every line of the receiver's log from its start (the stream begins with what is already there).
        var arrived = new ConcurrentQueue<string>();
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(Token);
        Task reading = ReadLogAsync(app, "alerts", arrived, stopReading.Token);

        ExecuteCommandResult stopped = await app.ResourceCommands.ExecuteCommandAsync(StoppedNode, KnownResourceCommands.StopCommand, Token);
        TestContext.Current.TestOutputHelper?.WriteLine($"Stopping {StoppedNode}: {(stopped.Success ? "done" : stopped.Message)}");
        try
        {
            await app.ResourceNotifications
                .WaitForResourceAsync(StoppedNode, [KnownResourceStates.Finished, KnownResourceStates.Exited], Token)
                .WaitAsync(TimeSpan.FromSeconds(30), Token);

            // Two hops, waited for one after the other so that a failure names the one that broke.
            await Waits.UntilAsync(
                $"Alertmanager holds AspireCacheNodeDown for {StoppedNode} (Prometheus sends it once the node has been down for the rule's 1 minute)",
                async () => (await ActiveAlertsAsync(alertmanager)).Any(IsNodeDownOfStoppedNode),
                PatienceForFiring,
                TimeSpan.FromSeconds(1),
                Token);
            await Waits.UntilAsync(
                $"the alerts resource logs AspireCacheNodeDown for {StoppedNode} as firing (its log is in the test's output)",
                () => Task.FromResult(arrived.Any(IsNodeDownLine)),
                PatienceForDelivery,
                TimeSpan.FromMilliseconds(200),
                Token);

            // What the operator reads: the alert, which node, which job, how bad, what it means and what to look at.
            string line = arrived.First(IsNodeDownLine);
            Assert.Contains($"instance=\"{StoppedNode}\"", line, StringComparison.Ordinal);
            Assert.Contains("job=\"aspirecache\"", line, StringComparison.Ordinal);
            Assert.Contains("severity=\"warning\"", line, StringComparison.Ordinal);
            Assert.Contains($"Cache node {StoppedNode} is down.", line, StringComparison.Ordinal);
            Assert.Contains("Runbook: The Aspire dashboard's Resources page", line, StringComparison.Ordinal);
        }
        finally
        {
            await stopReading.CancelAsync();
            await reading;
            TestContext.Current.TestOutputHelper?.WriteLine($"The alerts resource's log:\n{string.Join('\n', arrived)}");
            await RestartAsync(app);
        }
    }

    private static bool IsNodeDownLine(string line) =>
        line.Contains("FIRING AspireCacheNodeDown{", StringComparison.Ordinal) && line.Contains($"instance=\"{StoppedNode}\"", StringComparison.Ordinal);

    private static bool IsNodeDownOfStoppedNode(JsonElement alert)
    {
        JsonElement labels = alert.GetProperty("labels");
        return labels.GetProperty("alertname").GetString() == "AspireCacheNodeDown"
            && labels.TryGetProperty("instance", out JsonElement instance) && instance.GetString() == StoppedNode;
    }

    // The other tests of this class find the cluster as they expect it: the node back in every ring and scraped again.
    private async Task RestartAsync(DistributedApplication app)
    {
        ExecuteCommandResult started = await app.ResourceCommands.ExecuteCommandAsync(StoppedNode, KnownResourceCommands.StartCommand, Token);
        Assert.True(started.Success, started.Message);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(StoppedNode, WaitBehavior.WaitOnResourceUnavailable, Token).WaitAsync(PatienceForResources, Token);
        await ClusterFixture.WaitForWholeRingsAsync(fixture.Nodes.Values, PatienceForResources, Token);
        await WaitForPrometheusAsync("Prometheus scrapes every node again", async () =>
            (await QueryAsync("sum(up{job=\"aspirecache\"})")).Single().Value == ClusterFixture.NodeNames.Length);
    }

    private static async Task ReadLogAsync(DistributedApplication app, string resource, ConcurrentQueue<string> lines, CancellationToken stop)
    {
        try
        {
            // By the resource, not its name: the orchestrator's process has a name of its own (alerts-<suffix>).
            IResource watched = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
            await foreach (IReadOnlyList<LogLine> batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(watched).WithCancellation(stop))
            {
                foreach (LogLine line in batch)
                {
                    lines.Enqueue(line.Content);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    // The Alertmanagers Prometheus sends to, as its API lists them (http://host:port/api/v2/alerts).
    private async Task<Uri[]> ActiveAlertmanagersAsync()
    {
        using JsonDocument body = JsonDocument.Parse(await fixture.Prometheus.GetStringAsync("/api/v1/alertmanagers", Token));
        return [.. body.RootElement.GetProperty("data").GetProperty("activeAlertmanagers").EnumerateArray().Select(a => new Uri(a.GetProperty("url").GetString()!))];
    }

    // The alerts Alertmanager holds and has not silenced or inhibited.
    private static async Task<JsonElement[]> ActiveAlertsAsync(HttpClient alertmanager)
    {
        using JsonDocument body = JsonDocument.Parse(await alertmanager.GetStringAsync("/api/v2/alerts?active=true&silenced=false&inhibited=false", Token));
        return [.. body.RootElement.EnumerateArray().Select(alert => alert.Clone())];
    }
}
