using System.Text.Json;

namespace AspireCache.IntegrationTests;

/// <summary>The AppHost's Prometheus loads the alerting rules of prometheus/alerts.yml and evaluates them without errors.</summary>
public sealed partial class ObservabilityTests
{
    [Fact]
    public async Task EveryAlertOfTheRulesFile_IsLoadedByTheAppHostsPrometheus_AndEvaluatesCleanly()
    {
        if (fixture.SkipReason is not null)
        {
            MissingTool.SkipOrFail(fixture.SkipReason);
        }

        string[] expected = [.. AlertRuleFiles.Alerts().Select(a => a.Name)];
        Dictionary<string, string> health = [];

        // A rule's health is "unknown" until its group's first evaluation (every scrape interval, 1 s here),
        // then "ok", or "err" when its query fails against the real series.
        await Waits.UntilAsync(
            "Prometheus has loaded and evaluated every alert of prometheus/alerts.yml",
            async () =>
            {
                health = await AlertHealthAsync();
                return expected.All(name => health.TryGetValue(name, out string? state) && state != "unknown");
            },
            PatienceForScrapes,
            TimeSpan.FromMilliseconds(500),
            Token);

        Assert.Equal(expected.ToDictionary(name => name, _ => "ok", StringComparer.Ordinal), health);
    }

    // Each alerting rule Prometheus has loaded, by name: its health, and the error of its last evaluation if any.
    private async Task<Dictionary<string, string>> AlertHealthAsync()
    {
        using HttpResponseMessage response = await fixture.Prometheus.GetAsync("/api/v1/rules?type=alert", Token);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        return body.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(group => group.GetProperty("rules").EnumerateArray())
            .ToDictionary(
                rule => rule.GetProperty("name").GetString()!,
                rule => rule.GetProperty("health").GetString()! + (rule.TryGetProperty("lastError", out JsonElement error) && error.GetString() is { Length: > 0 } text ? ": " + text : string.Empty),
                StringComparer.Ordinal);
    }
}
