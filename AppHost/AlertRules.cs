namespace Aspire.Hosting;

/// <summary>
/// The alerting rules shipped in <c>prometheus/alerts.yml</c> (and tested by <c>prometheus/alerts.test.yml</c>),
/// which the AppHost's Prometheus loads. They live beside the dashboards rather than in the AppHost, since
/// any Prometheus that scrapes the nodes can load the same file.
/// </summary>
internal static class AlertRules
{
    /// <summary>The file's name; also its name inside the Prometheus container, beside prometheus.yml.</summary>
    public const string FileName = "alerts.yml";

    /// <summary>Where the container image looks for it: Prometheus's config folder.</summary>
    public const string ContainerPath = "/etc/prometheus/" + FileName;

    /// <summary>The repository's rules file, as an absolute path resolved from the AppHost's own folder.</summary>
    public static string PathIn(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "prometheus", FileName));
}
