using System.Net.Http.Json;

namespace AspireCache.IntegrationTests;

/// <summary>The whole application, started once for a test class: three cache nodes and the demo backend.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public static readonly string[] NodeNames = ["cache-0", "cache-1", "cache-2"];

    // Every wait is bounded: a resource that never turns healthy must fail the run, not hang it.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;

    public Dictionary<string, HttpClient> Nodes { get; } = [];

    public HttpClient Backend { get; private set; } = null!;

    /// <summary>The AppHost's arguments (its configuration).</summary>
    protected virtual string[] Arguments => ["NodeCount=3", "Observability:Mode=off"];

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        IDistributedApplicationTestingBuilder builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(Arguments, timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);

        foreach (string resource in NodeNames.Append("demobackend"))
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.StopOnResourceUnavailable, timeout.Token);
        }

        // Plain clients: no resilience handler may retry and hide what a test wants to see.
        foreach (string node in NodeNames)
        {
            Nodes[node] = new HttpClient { BaseAddress = _app.GetEndpoint(node, "http"), Timeout = TimeSpan.FromSeconds(30) };
        }

        Backend = new HttpClient { BaseAddress = _app.GetEndpoint("demobackend", "http"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>How often the backend served <paramref name="key"/>.</summary>
    public async Task<long> BackendCallsAsync(string key, CancellationToken cancellationToken)
    {
        BackendStats? stats = await Backend.GetFromJsonAsync<BackendStats>("/stats", cancellationToken);
        return stats!.PerKey.GetValueOrDefault(key);
    }

    /// <summary>Waits, within a bound, until a node is healthy again.</summary>
    public Task WaitHealthyAsync(string resource, TimeSpan within, CancellationToken cancellationToken) =>
        App.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, cancellationToken).WaitAsync(within, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (HttpClient client in Nodes.Values.Append(Backend))
        {
            client?.Dispose();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public sealed record BackendStats(long Total, Dictionary<string, long> PerKey, Dictionary<string, string> LastTraceIds);
}
