using System.Text.Json;
using System.Text.RegularExpressions;

namespace AspireCache.IntegrationTests;

/// <summary>The dashboard files as Grafana's provisioning will read them; nothing is started.</summary>
public sealed partial class DashboardTests
{
    private static string ProvisionedDatasourceUid()
    {
        string yaml = File.ReadAllText(RepositoryFiles.PathOf("grafana", "provisioning", "datasources", "prometheus.yaml"));
        return Assert.Single(DatasourceUid().Matches(yaml)).Groups[1].Value;
    }

    [Fact]
    public void ThereIsAnOverviewDashboard()
    {
        string[] titles = [.. Dashboards.Files.Select(f => Dashboards.Load(f).RootElement.GetProperty("title").GetString()!)];

        Assert.Contains("AspireCache overview", titles);
    }

    [Fact]
    public void EveryDashboard_IsValidForProvisioning()
    {
        string datasourceUid = ProvisionedDatasourceUid();
        var uids = new HashSet<string>();

        foreach (string file in Dashboards.Files)
        {
            using JsonDocument dashboard = Dashboards.Load(file);
            JsonElement root = dashboard.RootElement;
            string uid = root.GetProperty("uid").GetString()!;
            Assert.Matches("^[a-zA-Z0-9_-]{1,40}$", uid);
            Assert.True(uids.Add(uid), $"two dashboards have the uid {uid}");
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
            Assert.InRange(root.GetProperty("schemaVersion").GetInt32(), 36, 42);

            JsonElement[] panels = [.. root.GetProperty("panels").EnumerateArray()];
            Assert.NotEmpty(panels);
            Assert.Equal(panels.Length, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
            foreach (JsonElement panel in panels)
            {
                string title = panel.GetProperty("title").GetString()!;
                Assert.Equal(datasourceUid, panel.GetProperty("datasource").GetProperty("uid").GetString());
                Assert.True(panel.TryGetProperty("gridPos", out _), $"panel '{title}' has no gridPos");
                JsonElement[] targets = [.. panel.GetProperty("targets").EnumerateArray()];
                Assert.NotEmpty(targets);
                Assert.All(targets, target =>
                {
                    Assert.Equal(datasourceUid, target.GetProperty("datasource").GetProperty("uid").GetString());
                    Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString()), $"panel '{title}' has an empty query");
                });
            }

            foreach (JsonElement variable in root.GetProperty("templating").GetProperty("list").EnumerateArray())
            {
                Assert.Equal(datasourceUid, variable.GetProperty("datasource").GetProperty("uid").GetString());
            }
        }
    }

    [Fact]
    public void TheOverview_HasTheVariablesAndPanelsOperatorsNeed()
    {
        using JsonDocument overview = Dashboards.Load(RepositoryFiles.PathOf("grafana", "dashboards", "aspirecache-overview.json"));
        JsonElement root = overview.RootElement;

        string[] variables = [.. root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()!)];
        Assert.Equal(["group", "instance"], variables);

        string[] panels = [.. root.GetProperty("panels").EnumerateArray().Select(p => p.GetProperty("title").GetString()!)];
        Assert.Superset(
            new HashSet<string>
            {
                "Cluster hit ratio", "Cluster hit ratio over time", "Hit ratio per node", "Hit ratio per group",
                "Requests per second by result", "Single-flight collapses per second", "Peer fetches per second, and peer errors",
                "Backend loads per second", "Backend latency", "Get latency by result", "Evictions per second",
                "Store bytes per node against capacity", "Entries per node",
                "Peer ejections", "Peer timeouts per second", "Ring members per node",
            },
            panels.ToHashSet());

        // Every query follows the variables, so that choosing a group or a node narrows every panel;
        // membership metrics are the node's, not a group's, and follow the node only.
        Assert.All(Dashboards.Queries(overview), query =>
        {
            Assert.Contains("$instance", query.Expression, StringComparison.Ordinal);
            if (!NodeLevelMetric().IsMatch(query.Expression))
            {
                Assert.Contains("$group", query.Expression, StringComparison.Ordinal);
            }
        });
    }

    [GeneratedRegex(@"aspirecache_(peer_ejections|peer_timeouts|ring_members|ring_share|membership_[a-z_]+)")]
    private static partial Regex NodeLevelMetric();

    [GeneratedRegex(@"^\s*uid:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex DatasourceUid();
}
