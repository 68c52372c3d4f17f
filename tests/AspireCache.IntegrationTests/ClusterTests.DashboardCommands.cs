using System.Net.Http.Json;
using System.Text.Json;

namespace AspireCache.IntegrationTests;

/// <summary>The dashboard's commands, run as the dashboard runs them: through the resource command service.</summary>
public sealed partial class ClusterTests
{
    [Fact]
    public async Task TheLoadGenerator_StartedFromItsCommand_SpreadsReadsOverTheNodes_AndThroughTheClientReadsOnlyOwners()
    {
        await cluster.App.ResourceNotifications.WaitForResourceHealthyAsync("loadgen", WaitBehavior.StopOnResourceUnavailable, Token)
            .WaitAsync(TimeSpan.FromMinutes(2), Token);
        using var loadgen = new HttpClient { BaseAddress = cluster.App.GetEndpoint("loadgen", "http"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            // Spread over the nodes, most reads land on a node that does not own the key.
            await StartLoadAsync("nodes");
            JsonElement spread = await WaitForReadsAsync(loadgen, 150);
            Assert.Equal(0, spread.GetProperty("errors").GetInt64());
            JsonElement results = spread.GetProperty("results");
            Assert.True(Count(results, "peer") + Count(results, "hot") > 0, $"no read crossed nodes: {results}");

            // A start replaces the run under way; through the owner-routing client every read is the owner's.
            await StartLoadAsync("owner");
            JsonElement owned = await WaitForReadsAsync(loadgen, 150);
            Assert.Equal("owner", owned.GetProperty("settings").GetProperty("route").GetString());
            Assert.Equal(0, owned.GetProperty("errors").GetInt64());
            Assert.All(owned.GetProperty("results").EnumerateObject(), r => Assert.Contains(r.Name, new[] { "hit", "load" }));

            ExecuteCommandResult stopped = await cluster.App.ResourceCommands.ExecuteCommandAsync("loadgen", "stop-load", Token);
            Assert.True(stopped.Success, stopped.Message);
            JsonElement status = await loadgen.GetFromJsonAsync<JsonElement>("/status", Token);
            Assert.False(status.GetProperty("running").GetBoolean());
        }
        finally
        {
            await loadgen.PostAsync("/stop", null, CancellationToken.None);
        }
    }

    [Fact]
    public async Task ClearGroup_EmptiesTheGroupOnEveryNode_ShowRing_ListsEveryMembersView_AndAnUnknownGroupFails()
    {
        foreach (HttpClient node in cluster.Nodes.Values)
        {
            using HttpResponseMessage read = await node.GetAsync(CachePath(FreshKey("clear-command")), Token);
            read.EnsureSuccessStatusCode();
        }

        ExecuteCommandResult ring = await cluster.App.ResourceCommands.ExecuteCommandAsync("cache", "show-ring", Token);
        Assert.True(ring.Success, ring.Message);
        string view = Assert.IsType<string>(ring.Data?.Value);
        foreach (string node in ClusterFixture.NodeNames)
        {
            Assert.Contains($"| {node} | cache-0 (", view, StringComparison.Ordinal);
        }

        Assert.Contains("demo: ", view, StringComparison.Ordinal);

        ExecuteCommandResult cleared = await cluster.App.ResourceCommands.ExecuteCommandAsync("cache", "clear-group", Arguments(("group", "demo")), Token);
        Assert.True(cleared.Success, cleared.Message);
        foreach (HttpClient node in cluster.Nodes.Values)
        {
            ClusterAnswer answer = await ClusterAnswer.ReadAsync(node, Token);
            GroupAnswer demo = Assert.Single(answer.Groups, g => g.Name == "demo");
            Assert.Equal(0, demo.Entries);
            Assert.Equal(0, demo.HotEntries);
        }

        ExecuteCommandResult unknown = await cluster.App.ResourceCommands.ExecuteCommandAsync("cache", "clear-group", Arguments(("group", "no-such-group")), Token);
        Assert.False(unknown.Success);
        Assert.Contains("404", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetStats_SetsTheBackendsCountsToZero()
    {
        using HttpResponseMessage read = await cluster.Nodes["cache-0"].GetAsync(CachePath(FreshKey("reset-command")), Token);
        read.EnsureSuccessStatusCode();
        Assert.True((await cluster.Backend.GetFromJsonAsync<ClusterFixture.BackendStats>("/stats", Token))!.Total > 0);

        ExecuteCommandResult reset = await cluster.App.ResourceCommands.ExecuteCommandAsync("demobackend", "reset-stats", Token);

        Assert.True(reset.Success, reset.Message);
        ClusterFixture.BackendStats? stats = await cluster.Backend.GetFromJsonAsync<ClusterFixture.BackendStats>("/stats", Token);
        Assert.Equal(0, stats!.Total);
        Assert.Empty(stats.PerKey);
    }

    private async Task StartLoadAsync(string route)
    {
        ExecuteCommandResult started = await cluster.App.ResourceCommands.ExecuteCommandAsync(
            "loadgen", "start-load", Arguments(("rate", "100"), ("keys", "50"), ("skew", "1.0"), ("route", route)), Token);
        Assert.True(started.Success, started.Message);
    }

    private static async Task<JsonElement> WaitForReadsAsync(HttpClient loadgen, long reads)
    {
        JsonElement status = default;
        await Waits.UntilAsync(
            $"the load generator has finished {reads} reads",
            async () =>
            {
                status = await loadgen.GetFromJsonAsync<JsonElement>("/status", Token);
                return status.GetProperty("running").GetBoolean() && status.GetProperty("reads").GetInt64() >= reads;
            },
            TimeSpan.FromMinutes(1),
            cancellationToken: Token);
        return status;
    }

    private static long Count(JsonElement results, string result) =>
        results.TryGetProperty(result, out JsonElement count) ? count.GetInt64() : 0;

    private static InteractionInputCollection Arguments(params (string Name, string Value)[] values) =>
        new([.. values.Select(v => new InteractionInput { Name = v.Name, InputType = InputType.Text, Value = v.Value })]);
}
