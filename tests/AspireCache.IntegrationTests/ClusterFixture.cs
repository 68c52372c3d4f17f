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

    /// <summary>How long the backend takes for slow- keys here: longer than the peer timeout (1 s), shorter than the load timeout (10 s).</summary>
    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(3);

    /// <summary>The cluster's admin secret: chosen here through the AppHost's parameter instead of generated, so that tests can write.</summary>
    public const string AdminSecret = "integration-tests-admin-secret-0123456789abcdef";

    /// <summary>The cluster's peer secret, chosen likewise, so that tests can show what it does not open.</summary>
    public const string PeerSecret = "integration-tests-peer-secret-fedcba9876543210";

    /// <summary>The AppHost's arguments (its configuration).</summary>
    protected virtual string[] Arguments => ["NodeCount=3", "Observability:Mode=off", $"Demo:SlowDelay={SlowDelay:c}", .. SecretArguments];

    /// <summary>Set the AppHost's <c>cache-admin-secret</c> and <c>cache-peer-secret</c> parameters.</summary>
    public const string KeyHashSecret = "integration-tests-key-hash-secret-0123456789";

    protected static string[] SecretArguments => [$"Parameters:cache-admin-secret={AdminSecret}", $"Parameters:cache-peer-secret={PeerSecret}", $"Parameters:cache-key-hash-secret={KeyHashSecret}"];

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

        // The cluster resource runs no process: it turns Running once every node has been healthy.
        await _app.ResourceNotifications.WaitForResourceAsync("cache", KnownResourceStates.Running, timeout.Token);

        // Plain clients: no resilience handler may retry and hide what a test wants to see.
        foreach (string node in NodeNames)
        {
            Nodes[node] = new HttpClient { BaseAddress = _app.GetEndpoint(node, "http"), Timeout = TimeSpan.FromSeconds(30) };
        }

        Backend = new HttpClient { BaseAddress = _app.GetEndpoint("demobackend", "http"), Timeout = TimeSpan.FromSeconds(30) };

        // Nodes start one by one, and a node's first probes of a peer that is not up yet take it out of
        // the ring until it answers: tests that count loads need every ring whole, so wait for that.
        await WaitForWholeRingsAsync(StartTimeout, timeout.Token);
    }

    /// <summary>Waits, within <paramref name="within"/>, until every node sees every member in its ring.</summary>
    public Task WaitForWholeRingsAsync(TimeSpan within, CancellationToken cancellationToken) =>
        WaitForWholeRingsAsync(Nodes.Values, within, cancellationToken);

    /// <summary>Waits, within <paramref name="within"/>, until each of <paramref name="nodes"/> sees all <see cref="NodeNames"/> in its ring.</summary>
    public static Task WaitForWholeRingsAsync(IEnumerable<HttpClient> nodes, TimeSpan within, CancellationToken cancellationToken) =>
        Waits.UntilAsync(
            $"every node has all {NodeNames.Length} members in its ring",
            async () =>
            {
                foreach (HttpClient node in nodes)
                {
                    ClusterAnswer answer = await ClusterAnswer.ReadAsync(node, cancellationToken);
                    if (!answer.HasWholeRing(NodeNames.Length))
                    {
                        return false;
                    }
                }

                return true;
            },
            within,
            cancellationToken: cancellationToken);

    /// <summary>A fresh key that <paramref name="owner"/> owns while every node is up.</summary>
    /// <remarks>The nodes' ring, rebuilt here: the same members, points and hash give the same owners.</remarks>
    public static string KeyOwnedBy(string owner, string label)
    {
        var ring = new ConsistentHashRing();
        ring.Add(NodeNames);
        while (true)
        {
            string key = $"{label}-{Guid.NewGuid():N}";
            if (ring.GetOwner(key) == owner)
            {
                return key;
            }
        }
    }

    /// <summary>Sends <paramref name="request"/> to <paramref name="node"/> with the admin secret.</summary>
    public Task<HttpResponseMessage> SendAsAdminAsync(string node, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminSecret);
        return Nodes[node].SendAsync(request, cancellationToken);
    }

    /// <summary>Sends <paramref name="request"/> to <paramref name="node"/> with the peer secret, as a member would (the fault endpoints take it).</summary>
    public Task<HttpResponseMessage> SendAsPeerAsync(string node, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", PeerSecret);
        return Nodes[node].SendAsync(request, cancellationToken);
    }

    /// <summary>Changes a key's value at the demo backend, as a database update would; the cache is not told.</summary>
    public async Task SetAtSourceAsync(string key, string value, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await Backend.PutAsync("/data/" + Uri.EscapeDataString(key), new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(value)), cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
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
