using System.Text.Json;

namespace AspireCache.IntegrationTests;

/// <summary>The Grafana dashboards under grafana/dashboards and the queries of their panels.</summary>
internal static class Dashboards
{
    public static string[] Files => Directory.GetFiles(RepositoryFiles.PathOf("grafana", "dashboards"), "*.json");

    public static JsonDocument Load(string file) => JsonDocument.Parse(File.ReadAllText(file));

    /// <summary>Every panel's queries: (panel title, PromQL expression).</summary>
    public static IEnumerable<(string Panel, string Expression)> Queries(JsonDocument dashboard)
    {
        foreach (JsonElement panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (JsonElement target in panel.GetProperty("targets").EnumerateArray())
            {
                yield return (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!);
            }
        }
    }

    /// <summary>
    /// Fills in the dashboard's variables the way Grafana would with "All" selected, and Grafana's
    /// built-in intervals with values that hold several scrapes.
    /// </summary>
    public static string Substitute(string expression, string range = "10m", string rateInterval = "1m") => expression
        .Replace("$group", ".*", StringComparison.Ordinal)
        .Replace("$instance", ".*", StringComparison.Ordinal)
        .Replace("$__rate_interval", rateInterval, StringComparison.Ordinal)
        .Replace("$__range", range, StringComparison.Ordinal);
}
