namespace AlertReceiver;

/// <summary>An alert as one readable log line: what fires or resolved, where, what it means and what to look at.</summary>
/// <remarks>
/// A firing alert is a warning, a resolved one information, so that the dashboard's structured logs filter
/// them by level. The labels are written the way Prometheus shows a series, which its users read at a glance.
/// </remarks>
internal static partial class AlertLog
{
    /// <summary>
    /// The log category of the alert lines. The AppHost picks them out of this resource's console by it
    /// (<c>warn: Alert[1] FIRING …</c>, the single-line format of appsettings.json).
    /// </summary>
    public const string Category = "Alert";

    /// <summary>Where Alertmanager posts: the path of the webhook URL in prometheus/alertmanager.yml.</summary>
    public const string NotificationsPath = "/notifications";

    public static void Write(ILogger logger, NotifiedAlert alert)
    {
        string name = alert.Labels.GetValueOrDefault("alertname", "(no alertname)");
        string labels = LabelSet(alert.Labels);
        string summary = alert.Annotations.GetValueOrDefault("summary", "(no summary)");
        if (string.Equals(alert.Status, "resolved", StringComparison.Ordinal))
        {
            Resolved(logger, name, labels, summary);
        }
        else
        {
            Firing(logger, name, labels, summary, alert.Annotations.GetValueOrDefault("runbook", "(no runbook)"), alert.StartsAt);
        }
    }

    // {instance="cache-2", job="aspirecache", severity="warning"}: every label but the name, sorted.
    private static string LabelSet(Dictionary<string, string> labels) =>
        "{" + string.Join(", ", labels
            .Where(label => label.Key != "alertname")
            .OrderBy(label => label.Key, StringComparer.Ordinal)
            .Select(label => $"{label.Key}=\"{label.Value}\"")) + "}";

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "FIRING {AlertName}{Labels} since {StartsAt:u}: {Summary}. Runbook: {Runbook}")]
    private static partial void Firing(ILogger logger, string alertName, string labels, string summary, string runbook, DateTimeOffset startsAt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "RESOLVED {AlertName}{Labels}: {Summary}.")]
    private static partial void Resolved(ILogger logger, string alertName, string labels, string summary);
}
