namespace AspireCache.IntegrationTests;

/// <summary>The application with Prometheus scraping it, started once for the observability tests.</summary>
/// <remarks>
/// Prometheus runs as an executable found on PATH; where there is none, nothing starts and the tests skip.
/// Alertmanager and its receiver (the alerts resource) run beside it where Alertmanager is installed.
/// </remarks>
public sealed class PrometheusFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;

    /// <summary>Why the tests cannot run here, or null when they can.</summary>
    public string? SkipReason { get; private set; }

    public Dictionary<string, HttpClient> Nodes { get; } = [];

    public HttpClient Prometheus { get; private set; } = null!;

    public HttpClient Backend { get; private set; } = null!;

    /// <summary>The running application, for tests that stop a resource or read one's logs.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    public async ValueTask InitializeAsync()
    {
        SkipReason = MissingReason();
        if (SkipReason is not null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StartTimeout);
        IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                "NodeCount=3",
                "Observability:Mode=executable",
                "Prometheus:ScrapeInterval=00:00:01",
                "Demo:TimeToLive=00:10:00",
                "Demo:RefreshAhead=0.2",
                "Demo:StaleIfError=00:05:00",
                $"Parameters:cache-admin-secret={ClusterFixture.AdminSecret}",
                $"Parameters:cache-key-hash-secret={ClusterFixture.KeyHashSecret}",
            ],
            timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);

        foreach (string resource in ClusterFixture.NodeNames.Append("demobackend").Append("prometheus"))
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.StopOnResourceUnavailable, timeout.Token);
        }

        foreach (string node in ClusterFixture.NodeNames)
        {
            Nodes[node] = new HttpClient { BaseAddress = _app.GetEndpoint(node, "http"), Timeout = TimeSpan.FromSeconds(30) };
        }

        Prometheus = new HttpClient { BaseAddress = _app.GetEndpoint("prometheus", "http"), Timeout = TimeSpan.FromSeconds(30) };
        Backend = new HttpClient { BaseAddress = _app.GetEndpoint("demobackend", "http"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (HttpClient client in Nodes.Values)
        {
            client.Dispose();
        }

        Prometheus?.Dispose();
        Backend?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Why tests that need Prometheus cannot run here, or null when they can.</summary>
    public static string? MissingReason() => MissingTool.IsOnPath("prometheus")
        ? null
        : "The 'prometheus' executable is not on PATH (install Debian's prometheus package; .ci/run does).";

    /// <summary>Why tests that need Alertmanager cannot run here, or null when they can: the AppHost runs it under either name.</summary>
    public static string? AlertmanagerMissingReason() => MissingTool.IsOnPath("prometheus-alertmanager") || MissingTool.IsOnPath("alertmanager")
        ? null
        : "Neither 'prometheus-alertmanager' nor 'alertmanager' is on PATH (install Debian's prometheus-alertmanager package; .ci/run does).";
}
