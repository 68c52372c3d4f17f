using System.Globalization;
using System.Text;

namespace Aspire.Hosting;

/// <summary>Writes prometheus.yml from the addresses the orchestrator really allocated.</summary>
/// <remarks>
/// Prometheus expands no variables in its targets, so the file is written just before Prometheus
/// starts, when every endpoint has its port. Targets are the proxied addresses, which stay the same
/// when a node restarts.
/// </remarks>
internal static class PrometheusConfig
{
    /// <param name="jobs">What to scrape.</param>
    /// <param name="scrapeInterval">How often; rules are evaluated as often.</param>
    /// <param name="ruleFiles">Rule files to load, as paths Prometheus can open (absolute, or relative to this config file).</param>
    /// <param name="alertmanager">The Alertmanager that firing alerts are sent to; null for none (they show on Prometheus's Alerts page only).</param>
    /// <param name="network">Where Prometheus runs: null for the host, a container network for a container.</param>
    /// <param name="cancellationToken">Cancels the resolution of addresses.</param>
    public static async Task<string> BuildAsync(
        IEnumerable<ScrapeJob> jobs,
        TimeSpan scrapeInterval,
        IReadOnlyList<string> ruleFiles,
        IResourceWithEndpoints? alertmanager,
        NetworkIdentifier? network,
        CancellationToken cancellationToken)
    {
        string interval = $"{Math.Max(1, (int)scrapeInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s";
        var yaml = new StringBuilder()
            .AppendLine("# Written by the AspireCache AppHost at every start, from the allocated endpoints.")
            .AppendLine("global:")
            .AppendLine($"  scrape_interval: {interval}")
            .AppendLine($"  evaluation_interval: {interval}");

        if (ruleFiles.Count > 0)
        {
            yaml.AppendLine("rule_files:");
            foreach (string file in ruleFiles)
            {
                // Single-quoted YAML: a quote inside is doubled, and nothing else is special.
                yaml.AppendLine($"  - '{file.Replace("'", "''", StringComparison.Ordinal)}'");
            }
        }

        if (alertmanager is not null)
        {
            yaml.AppendLine("alerting:")
                .AppendLine("  alertmanagers:")
                .AppendLine("    - static_configs:")
                .AppendLine($"        - targets: ['{await NetworkAddress.HostAndPortAsync(alertmanager, network, cancellationToken)}']");
        }

        yaml.AppendLine("scrape_configs:");

        foreach (ScrapeJob job in jobs)
        {
            yaml.AppendLine($"  - job_name: '{job.Name}'")
                .AppendLine("    metrics_path: /metrics")
                .AppendLine("    static_configs:");
            foreach (IResourceBuilder<IResourceWithEndpoints> target in job.Targets)
            {
                yaml.AppendLine($"      - targets: ['{await NetworkAddress.HostAndPortAsync(target.Resource, network, cancellationToken)}']")
                    .AppendLine($"        labels: {{ instance: '{target.Resource.Name}' }}");
            }
        }

        return yaml.ToString();
    }
}
