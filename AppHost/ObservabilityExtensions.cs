using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Adds the metrics history to an AspireCache application: Prometheus scraping the services, and Grafana.</summary>
public static class ObservabilityExtensions
{
    /// <summary>Prometheus's container image, pinned.</summary>
    public const string PrometheusImage = "prom/prometheus:v3.5.0";

    /// <summary>Grafana's container image, pinned.</summary>
    public const string GrafanaImage = "grafana/grafana:12.1.1";

    /// <summary>Alertmanager's container image, pinned.</summary>
    public const string AlertmanagerImage = "prom/alertmanager:v0.28.1";

    /// <summary>The Prometheus job of the cache nodes, which the dashboards of <c>grafana/</c> select.</summary>
    public const string CacheJobName = "aspirecache";

    /// <summary>The cluster's hit ratio over the last minute, as the overview dashboard's "Cluster hit ratio over time" panel computes it.</summary>
    public const string HitRatioQuery = "sum(rate(aspirecache_hits_total[1m])) / sum(rate(aspirecache_gets_total[1m]))";

    /// <summary>
    /// Adds Prometheus scraping every node of <paramref name="cluster"/> (job <see cref="CacheJobName"/>) and
    /// <paramref name="otherJobs"/> on their allocated addresses and evaluating the alerting rules of
    /// <c>prometheus/alerts.yml</c>; Alertmanager, to which Prometheus sends the alerts that fire and which
    /// routes them as <c>prometheus/alertmanager.yml</c> says, by default to the <c>alerts</c> resource, whose
    /// log lists them; and Grafana with the dashboards of <c>grafana/</c>. Where a container runtime answers,
    /// all three run as containers (the usual Aspire way). Where none does, Prometheus and Alertmanager run
    /// from PATH (Debian's <c>prometheus</c> and <c>prometheus-alertmanager</c> packages), each where it is
    /// installed, and Grafana is left out. <c>Observability:Mode</c> picks one of <c>auto</c> (the default),
    /// <c>containers</c>, <c>executable</c> or <c>off</c>. Whatever is left out is said in a log line at start.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="cluster">The cache cluster whose nodes are scraped.</param>
    /// <param name="otherJobs">More services to scrape, e.g. the data source.</param>
    /// <returns>The resources added; null for each that was left out.</returns>
    /// <example>
    /// <code>
    /// builder.AddMetricsStack(cache, new ScrapeJob("demobackend", [backend]));
    /// </code>
    /// </example>
    public static MetricsStack AddMetricsStack(this IDistributedApplicationBuilder builder, IResourceBuilder<CacheClusterResource> cluster, params ScrapeJob[] otherJobs)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(otherJobs);
        string mode = builder.Configuration["Observability:Mode"] ?? "auto";
        if (mode is not ("auto" or "containers" or "executable" or "off"))
        {
            throw new InvalidOperationException($"Observability:Mode must be auto, containers, executable or off; it is '{mode}'.");
        }

        if (mode == "off")
        {
            StartupLog.Write(builder, LogLevel.Information, "Prometheus, Alertmanager and Grafana are off (Observability:Mode=off).");
            return new MetricsStack(null, null, null);
        }

        ScrapeJob[] jobs = [new ScrapeJob(CacheJobName, [.. cluster.Resource.Nodes.Select(builder.CreateResourceBuilder)]), .. otherJobs];
        TimeSpan scrapeInterval = ScrapeInterval(builder);
        string why = "Observability:Mode=executable";

        // "containers" trusts the operator (Aspire reports a missing runtime itself); "auto" asks first.
        if (mode == "containers" || (mode == "auto" && ContainerRuntimeProbe.FindRunning(builder.Configuration, out why) is not null))
        {
            IResourceBuilder<ContainerResource> alertmanagerContainer = builder.AddAlertmanagerContainer(builder.AddAlertReceiver());
            IResourceBuilder<ContainerResource> prometheusContainer = builder.AddPrometheusContainer(jobs, scrapeInterval, alertmanagerContainer);
            return new MetricsStack(prometheusContainer, alertmanagerContainer, builder.AddGrafanaContainer(prometheusContainer, alertmanagerContainer));
        }

        const string NoGrafana = "Grafana is left out: it runs only as a container, and no container runtime answered";
        string? prometheusExecutable = ToolsOnPath.Find("prometheus");
        if (prometheusExecutable is null)
        {
            StartupLog.Write(builder, LogLevel.Warning, $"Prometheus is not on PATH, so metrics are not kept and alerts not evaluated (install it: apt-get install prometheus). Alertmanager is left out with it. {NoGrafana}.");
            return new MetricsStack(null, null, null);
        }

        // Alertmanager only where it is installed: without it, alerts show on Prometheus's Alerts page and go nowhere.
        string? alertmanagerExecutable = ToolsOnPath.Find(AlertmanagerExtensions.ExecutableNames);
        IResourceBuilder<ExecutableResource>? alertmanager = alertmanagerExecutable is null ? null
            : builder.AddAlertmanagerExecutable(alertmanagerExecutable, builder.AddAlertReceiver());
        if (alertmanager is null)
        {
            StartupLog.Write(builder, LogLevel.Information, "Alertmanager is not on PATH, so alerts that fire show on Prometheus's Alerts page only and are sent nowhere (install it: apt-get install prometheus-alertmanager; the alerts resource then lists them).");
        }

        IResourceBuilder<ExecutableResource> prometheus = builder.AddPrometheusExecutable(prometheusExecutable, jobs, scrapeInterval, alertmanager);
        StartupLog.Write(builder, LogLevel.Information, $"{NoGrafana} ({why}). Prometheus runs from PATH; its \"Hit ratio\" link shows the graph. For Grafana with the dashboards of grafana/, install Docker or Podman, start it, and run the AppHost again.");
        return new MetricsStack(prometheus, alertmanager, null);
    }

    private static IResourceBuilder<ContainerResource> AddPrometheusContainer(this IDistributedApplicationBuilder builder, ScrapeJob[] jobs, TimeSpan scrapeInterval, IResourceBuilder<ContainerResource> alertmanager)
    {
        string alertRules = AlertRules.PathIn(builder);
        string[] image = PrometheusImage.Split(':');
        IResourceBuilder<ContainerResource> prometheus = builder.AddContainer("prometheus", image[0], image[1])
            .WithHttpEndpoint(targetPort: 9090, name: NetworkAddress.EndpointName)
            .WithUrlForEndpoint(NetworkAddress.EndpointName, url => url.DisplayText = "Prometheus")
            .WithHitRatioLink()
            // Arguments replace the image's command, so its defaults are repeated.
            .WithArgs("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=1d")
            // Addresses as the container sees them: the orchestrator's tunnel to the host.
            // The rules are copied in beside the config, read at every start: an edit shows at the next run.
            .WithContainerFiles("/etc/prometheus", async (_, cancellationToken) =>
            [
                new ContainerFile
                {
                    Name = "prometheus.yml",
                    Contents = await PrometheusConfig.BuildAsync(jobs, scrapeInterval, [AlertRules.ContainerPath], alertmanager.Resource, KnownNetworkIdentifiers.DefaultAspireContainerNetwork, cancellationToken),
                },
                new ContainerFile
                {
                    Name = AlertRules.FileName,
                    Contents = await File.ReadAllTextAsync(alertRules, cancellationToken),
                },
            ])
            .WithHttpHealthCheck("/-/ready");

        // A host process gets a tunnel only when the container depends on it directly.
        WaitForTargets(prometheus, jobs);
        return prometheus;
    }

    private static IResourceBuilder<ContainerResource> AddGrafanaContainer(this IDistributedApplicationBuilder builder, IResourceBuilder<ContainerResource> prometheus, IResourceBuilder<ContainerResource> alertmanager)
    {
        string grafana = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "grafana"));
        string[] image = GrafanaImage.Split(':');
        return builder.AddContainer("grafana", image[0], image[1])
            .WithHttpEndpoint(targetPort: 3000, name: "http")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Grafana")
            .WithUrls(urls =>
            {
                // Straight to the overview dashboard (its uid is fixed in grafana/dashboards).
                if (urls.Urls.FirstOrDefault(u => u.DisplayText == "Grafana") is { } grafana)
                {
                    urls.Urls.Add(new ResourceUrlAnnotation { Url = grafana.Url + "/d/aspirecache-overview", DisplayText = "AspireCache overview", Endpoint = grafana.Endpoint });
                }
            })
            .WithBindMount(Path.Combine(grafana, "provisioning"), "/etc/grafana/provisioning", isReadOnly: true)
            .WithBindMount(Path.Combine(grafana, "dashboards"), "/var/lib/grafana/dashboards", isReadOnly: true)
            // For local use: anonymous access, no login form.
            .WithEnvironment("GF_AUTH_ANONYMOUS_ENABLED", "true")
            .WithEnvironment("GF_AUTH_ANONYMOUS_ORG_ROLE", "Admin")
            .WithEnvironment("GF_AUTH_DISABLE_LOGIN_FORM", "true")
            // The addresses the datasources of grafana/provisioning/datasources read.
            .WithEnvironment("PROMETHEUS_URL", prometheus.GetEndpoint(NetworkAddress.EndpointName))
            .WithEnvironment("ALERTMANAGER_URL", alertmanager.GetEndpoint(NetworkAddress.EndpointName))
            .WaitFor(prometheus);
    }

    /// <summary>Prometheus from PATH (<paramref name="executable"/>), sending alerts to <paramref name="alertmanager"/> if there is one.</summary>
    private static IResourceBuilder<ExecutableResource> AddPrometheusExecutable(
        this IDistributedApplicationBuilder builder,
        string executable,
        ScrapeJob[] jobs,
        TimeSpan scrapeInterval,
        IResourceBuilder<ExecutableResource>? alertmanager)
    {
        // The generated config and the time-series database.
        string folder = RunFolder.For(builder, "prometheus");
        string configFile = Path.Combine(folder, "prometheus.yml");

        IResourceBuilder<ExecutableResource> prometheus = builder.AddExecutable("prometheus", executable, Path.GetTempPath())
            // Not proxied: Prometheus itself listens on the port the orchestrator allocates.
            .WithHttpEndpoint(name: NetworkAddress.EndpointName, env: null, isProxied: false)
            .WithUrlForEndpoint(NetworkAddress.EndpointName, url => url.DisplayText = "Prometheus")
            .WithHitRatioLink()
            .WithHttpHealthCheck("/-/ready");

        EndpointReference http = prometheus.GetEndpoint(NetworkAddress.EndpointName);
        prometheus.WithArgs(context =>
        {
            context.Args.Add($"--config.file={configFile}");
            context.Args.Add($"--storage.tsdb.path={Path.Combine(folder, "data")}");
            context.Args.Add("--storage.tsdb.retention.time=1d");
            context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{http.Property(EndpointProperty.TargetPort)}"));
            context.Args.Add("--log.level=warn");
        });

        prometheus.OnBeforeResourceStarted(async (_, _, cancellationToken) =>
        {
            Directory.CreateDirectory(folder);
            // The repository's own file, by absolute path: Prometheus on the host reads it where it is.
            string config = await PrometheusConfig.BuildAsync(jobs, scrapeInterval, [AlertRules.PathIn(builder)], alertmanager?.Resource, network: null, cancellationToken);
            await File.WriteAllTextAsync(configFile, config, cancellationToken);
        });

        // Alertmanager is not waited for: Prometheus keeps alerts until it answers.
        WaitForTargets(prometheus, jobs);
        return prometheus;
    }

    // A second link on the Prometheus resource, straight to the graph people start from.
    private static IResourceBuilder<T> WithHitRatioLink<T>(this IResourceBuilder<T> prometheus)
        where T : IResourceWithEndpoints =>
        prometheus.WithUrls(urls =>
        {
            EndpointReference http = prometheus.GetEndpoint(NetworkAddress.EndpointName);
            if (http.IsAllocated)
            {
                urls.Urls.Add(new ResourceUrlAnnotation
                {
                    Url = $"{http.Url}/graph?g0.expr={Uri.EscapeDataString(HitRatioQuery)}&g0.tab=0&g0.range_input=15m",
                    DisplayText = "Hit ratio",
                    Endpoint = http,
                });
            }
        });

    private static void WaitForTargets<T>(IResourceBuilder<T> prometheus, ScrapeJob[] jobs)
        where T : IResourceWithWaitSupport
    {
        foreach (IResourceBuilder<IResourceWithEndpoints> target in jobs.SelectMany(job => job.Targets))
        {
            if (target is IResourceBuilder<IResourceWithWaitSupport> waitable)
            {
                prometheus.WaitFor(waitable);
            }
        }
    }

    // A TimeSpan, e.g. Prometheus:ScrapeInterval=00:00:01; at least one second. Default 5 s.
    private static TimeSpan ScrapeInterval(IDistributedApplicationBuilder builder)
    {
        string? configured = builder.Configuration["Prometheus:ScrapeInterval"];
        if (configured is null)
        {
            return TimeSpan.FromSeconds(5);
        }

        return TimeSpan.TryParse(configured, System.Globalization.CultureInfo.InvariantCulture, out TimeSpan interval) && interval >= TimeSpan.FromSeconds(1)
            ? interval
            : throw new InvalidOperationException($"Prometheus:ScrapeInterval must be a TimeSpan of at least 00:00:01; it is '{configured}'.");
    }
}
