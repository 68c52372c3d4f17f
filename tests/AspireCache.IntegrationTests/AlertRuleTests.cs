namespace AspireCache.IntegrationTests;

/// <summary>
/// The alerting rules of <c>prometheus/</c> are valid, fire when they should and stay quiet when they
/// should not (promtool's own checker and unit tests), and every alert is tested both ways and tells an
/// operator what to look at. Nothing is started but promtool.
/// </summary>
public sealed class AlertRuleTests
{
    private const string Promtool = "promtool";

    // promtool answers in well under a second; the bound only turns a hang into a failure.
    private static readonly TimeSpan PromtoolBound = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task TheRules_PassPromtoolCheck()
    {
        (int exitCode, string output) = await RunPromtoolAsync("check", "rules", AlertRuleFiles.Rules);

        Assert.True(exitCode == 0, $"promtool check rules exited {exitCode}:\n{output}");
    }

    [Fact]
    public async Task TheRules_PassTheirPromtoolUnitTests()
    {
        (int exitCode, string output) = await RunPromtoolAsync("test", "rules", AlertRuleFiles.Tests);

        Assert.True(exitCode == 0, $"promtool test rules exited {exitCode}:\n{output}");
    }

    [Fact]
    public void EveryAlert_HasACaseThatFires_AndOneThatDoesNot()
    {
        IReadOnlyList<AlertRule> alerts = AlertRuleFiles.Alerts();
        IReadOnlyList<AlertTestCase> cases = AlertRuleFiles.Cases();
        Assert.NotEmpty(alerts);

        string[] untested = [.. alerts.SelectMany(alert => Missing(alert.Name, cases))];

        Assert.True(untested.Length == 0, string.Join(Environment.NewLine, untested));
    }

    [Fact]
    public void EveryCase_IsAboutAnAlertOfTheRules()
    {
        // promtool passes a case that expects no alert of a name no rule has: a misspelt name would test nothing.
        HashSet<string> names = [.. AlertRuleFiles.Alerts().Select(a => a.Name)];

        Assert.All(AlertRuleFiles.Cases(), c => Assert.True(names.Contains(c.AlertName), $"'{c.TestName}' tests {c.AlertName}, which alerts.yml does not have"));
    }

    [Fact]
    public void EveryAlert_HasASummaryADescriptionAndARunbook()
    {
        Assert.All(AlertRuleFiles.Alerts(), alert =>
        {
            foreach (string annotation in new[] { "summary", "description", "runbook" })
            {
                Assert.True(
                    alert.Annotations.TryGetValue(annotation, out string? text) && !string.IsNullOrWhiteSpace(text),
                    $"{alert.Name} has no {annotation} annotation");
            }
        });
    }

    [Fact]
    public void EveryRatioAndPercentileAlert_AsksForAMinimumOfTraffic()
    {
        // A ratio of three requests is noise: an alert that divides, or takes a quantile, also compares a
        // rate with one of the min_..._per_second thresholds.
        AlertRule[] ratios = [.. AlertRuleFiles.Alerts().Where(a => a.Expression.Contains('/', StringComparison.Ordinal) || a.Expression.Contains("histogram_quantile", StringComparison.Ordinal))];
        Assert.NotEmpty(ratios);

        Assert.All(ratios, alert => Assert.Matches(@"aspirecache:alert_threshold:min_\w+_per_second", alert.Expression));
    }

    private static IEnumerable<string> Missing(string alert, IReadOnlyList<AlertTestCase> cases)
    {
        if (!cases.Any(c => c.AlertName == alert && c.Fires))
        {
            yield return $"{alert}: no case in alerts.test.yml expects it to fire";
        }

        if (!cases.Any(c => c.AlertName == alert && !c.Fires))
        {
            yield return $"{alert}: no case in alerts.test.yml expects it not to fire";
        }
    }

    private static async Task<(int ExitCode, string Output)> RunPromtoolAsync(params string[] arguments)
    {
        if (!MissingTool.IsOnPath(Promtool))
        {
            MissingTool.SkipOrFail("The 'promtool' executable is not on PATH (Debian's prometheus package ships it; .ci/run installs that).");
        }

        return await ExternalProcess.RunAsync(Promtool, arguments, RepositoryFiles.Root, PromtoolBound);
    }
}
