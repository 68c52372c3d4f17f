namespace AlertReceiver;

/// <summary>
/// What Alertmanager's webhook receiver posts (payload version 4): the alerts of one group, each firing or
/// resolved. Only the fields this receiver shows are read; the others (group key, common labels, URLs) are ignored.
/// </summary>
/// <param name="Status">firing when at least one alert of the group fires, else resolved.</param>
/// <param name="Alerts">The group's alerts.</param>
internal sealed record AlertmanagerNotification(string Status, IReadOnlyList<NotifiedAlert> Alerts);

/// <summary>One alert of a notification.</summary>
/// <param name="Status">firing or resolved.</param>
/// <param name="Labels">Its labels: alertname, severity and those of the rule's series (job, instance, aspirecache_group, …).</param>
/// <param name="Annotations">Its annotations: summary, description and runbook for the rules of prometheus/alerts.yml.</param>
/// <param name="StartsAt">When it started firing.</param>
internal sealed record NotifiedAlert(string Status, Dictionary<string, string> Labels, Dictionary<string, string> Annotations, DateTimeOffset StartsAt);
