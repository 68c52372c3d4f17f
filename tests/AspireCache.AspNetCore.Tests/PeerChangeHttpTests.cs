using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// The peer side of changes and freshness, against the real node: the peer routes need the peer secret,
/// and <see cref="HttpCachePeer"/> reads the freshness and sends the changes that the node serves.
/// </summary>
public sealed class PeerChangeHttpTests(LifetimeNodeFactory node) : IClassFixture<LifetimeNodeFactory>, IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string FreshKey(string label) => $"{label}-{Guid.NewGuid():N}";

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("DELETE", "/_peer/demo/k")]
    [InlineData("PUT", "/_peer/demo/k")]
    [InlineData("POST", "/_peer-admin/groups/demo/clear?hotOnly=false")]
    public async Task PeerChanges_NeedThePeerSecret_NotTheAdminSecret(string method, string target)
    {
        using HttpClient anonymous = NodeClients.Anonymous(node);
        using HttpClient admin = NodeClients.Admin(node);
        using HttpClient peer = NodeClients.Peer(node);

        int[] statuses = new int[3];
        HttpClient[] clients = [anonymous, admin, peer];
        for (int i = 0; i < clients.Length; i++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), target) { Content = method == "PUT" ? new ByteArrayContent([1]) : null };
            using HttpResponseMessage response = await clients[i].SendAsync(request, Token);
            statuses[i] = (int)response.StatusCode;
        }

        Assert.Equal([401, 403, 204], statuses);
    }

    [Fact]
    public async Task APeerWrite_IsServedToPeersWithItsFreshness()
    {
        string key = FreshKey("peer-put");
        using HttpClient peer = NodeClients.Peer(node);
        var content = new ByteArrayContent([3, 1, 4]);
        content.Headers.Add("X-Cache-Ttl-Ms", "5000");

        using HttpResponseMessage put = await peer.PutAsync($"/_peer/demo/{key}", content, Token);
        node.Clock.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage get = await peer.GetAsync($"/_peer/demo/{key}", Token);

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal([3, 1, 4], await get.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal("4000", get.Header("X-Cache-Ttl-Ms"));
        Assert.Equal("1000", get.Header("X-Cache-Age-Ms"));
        Assert.Null(get.Header("X-Cache-Stale"));
    }

    [Fact]
    public async Task HttpCachePeer_ReadsADirectAnswersFreshness()
    {
        string key = FreshKey("direct");
        StubSourceHandler.Answer(key, new StubAnswer([1, 2], "max-age=20"));
        (await NodeClients.Anonymous(node).GetAsync($"/cache/demo/{key}", Token)).Dispose();
        node.Clock.Advance(TimeSpan.FromSeconds(2));

        CacheResult result = await Peer().GetAsync("demo", key, Token);

        Assert.Equal([1, 2], result.Value.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(18), result.TimeToLive);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Age);
        Assert.False(result.IsStale);
    }

    [Fact]
    public async Task HttpCachePeer_ReadsADeferredAnswersFreshness()
    {
        string key = FreshKey("deferred");
        StubSourceHandler.Answer(key, new StubAnswer([5, 6], "max-age=20"));
        TaskCompletionSource source = StubSourceHandler.Hold(key);

        Task<CacheResult> fetch = Peer().GetAsync("demo", key, Token).AsTask();
        await StubSourceHandler.WhenAsked(key).WaitAsync(TimeSpan.FromSeconds(30), Token);
        source.SetResult();
        CacheResult result = await fetch.WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.Equal([5, 6], result.Value.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(20), result.TimeToLive);
        Assert.Equal(TimeSpan.Zero, result.Age);
    }

    [Fact]
    public async Task HttpCachePeer_ReadsAStaleValue_AsStale()
    {
        string key = FreshKey("peer-stale");
        StubSourceHandler.Answer(key, new StubAnswer([8]));
        (await NodeClients.Anonymous(node).GetAsync($"/cache/demo/{key}", Token)).Dispose();
        StubSourceHandler.Answer(key, StubAnswer.Failure);
        node.Clock.Advance(LifetimeNodeFactory.TimeToLive + TimeSpan.FromSeconds(3));

        CacheResult result = await Peer().GetAsync("demo", key, Token);

        Assert.Equal([8], result.Value.ToArray());
        Assert.True(result.IsStale);
        Assert.True(result.TimeToLive <= TimeSpan.Zero, $"a stale value's lifetime is {result.TimeToLive}");
    }

    [Fact]
    public async Task HttpCachePeer_WritesRemovesAndClears_AtTheNode()
    {
        string written = FreshKey("peer-write");
        string loaded = FreshKey("peer-clear");
        HttpCachePeer peer = Peer();
        using HttpClient client = NodeClients.Anonymous(node);

        await peer.WriteAsync("demo", written, new byte[] { 2, 7 }, TimeSpan.FromSeconds(10), Token);
        using (HttpResponseMessage get = await client.GetAsync($"/cache/demo/{written}", Token))
        {
            Assert.Equal([2, 7], await get.Content.ReadAsByteArrayAsync(Token));
            Assert.Equal("max-age=10", get.Header("Cache-Control"));
        }

        await peer.RemoveAsync("demo", written, Token);
        using (HttpResponseMessage get = await client.GetAsync($"/cache/demo/{written}", Token))
        {
            Assert.Equal("load", get.Header("X-Cache-Result"));
        }

        (await client.GetAsync($"/cache/demo/{loaded}", Token)).Dispose();
        await peer.ClearAsync("demo", hotOnly: true, Token);
        using (HttpResponseMessage get = await client.GetAsync($"/cache/demo/{loaded}", Token))
        {
            Assert.Equal("hit", get.Header("X-Cache-Result"));
        }

        await peer.ClearAsync("demo", hotOnly: false, Token);
        using (HttpResponseMessage get = await client.GetAsync($"/cache/demo/{loaded}", Token))
        {
            Assert.Equal("load", get.Header("X-Cache-Result"));
        }
    }

    [Fact]
    public async Task HttpCachePeer_ThrowsWhenTheNodeRefusesAChange()
    {
        // An unknown group: the node answers 404, which is not acknowledged.
        CachePeerException error = await Assert.ThrowsAsync<CachePeerException>(async () => await Peer().RemoveAsync("nosuchgroup", "k", Token));
        Assert.Contains("answered 404", error.Message, StringComparison.Ordinal);
    }

    // A peer named "solo" whose requests go to the test node with the peer secret, on the system clock:
    // the node's fake clock sets the values' freshness, not the peer's deadlines.
    private HttpCachePeer Peer()
    {
        var health = new PeerHealth(
            new RingPeerPicker("asker"),
            ["solo"],
            new CacheNodeOptions(),
            _services.GetRequiredService<IMeterFactory>(),
            TimeProvider.System,
            NullLogger<PeerHealth>.Instance);
        return new HttpCachePeer(
            "solo",
            new Uri("http://solo"),
            new ForwardingClientFactory(node.BaseAddress),
            health,
            TimeSpan.FromSeconds(10),
            new Dictionary<string, CacheGroupSettings> { ["demo"] = new() },
            TimeProvider.System,
            NullLogger.Instance,
            new MissedChanges(TimeProvider.System),
            TimeSpan.Zero);
    }

    private sealed class ForwardingClientFactory(Uri node) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name)
        {
            var client = new HttpClient(new Forwarder(node) { InnerHandler = new SocketsHttpHandler() });
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {CacheNodeFactory.PeerSecretValue}");
            return client;
        }
    }

    private sealed class Forwarder(Uri node) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(node, request.RequestUri!.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
