using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The member-set check on the real node: what it shows in /cluster and /metrics, what it sends, and what it counts.</summary>
public sealed class MembershipHttpTests(CacheNodeFactory node) : IClassFixture<CacheNodeFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly string Ours = MembershipFingerprint.Of(["solo"]).ToString();

    [Fact]
    public async Task Cluster_ShowsTheMemberSetAndItsFingerprint()
    {
        using HttpClient anonymous = NodeClients.Anonymous(node);

        JsonElement membership = (await anonymous.GetFromJsonAsync<JsonElement>("/cluster", Token)).GetProperty("membership");

        Assert.Equal(Ours, membership.GetProperty("fingerprint").GetString());
        Assert.Equal(["solo"], membership.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task PeerRequests_CarryThisNodesFingerprintAndProtocolVersion()
    {
        var seen = new TaskCompletionSource<HttpRequestMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var headers = new PeerRequestHeaders(node.Services.GetRequiredService<NodeSecrets>(), node.Services.GetRequiredService<Membership>())
        {
            InnerHandler = new CapturingHandler(seen),
        };
        using var client = new HttpClient(headers);

        using HttpResponseMessage response = await client.GetAsync(new Uri("http://peer/_peer/demo/key"), Token);
        HttpRequestMessage sent = await seen.Task;

        Assert.Equal([Ours], sent.Headers.GetValues(Membership.Header));
        Assert.Equal(["3"], sent.Headers.GetValues(PeerProtocol.VersionHeader));
        Assert.StartsWith("Bearer ", sent.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APeerRequestFromAnotherMemberSet_IsCounted_OneFromTheSameSetOrAnOlderNodeIsNot()
    {
        using HttpClient peer = NodeClients.Peer(node);
        string other = MembershipFingerprint.Of(["solo", "stranger"]).ToString();

        // This node's own meter: the exporter's series also hold other test nodes' counts, which come and go with them.
        using var disagreements = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), AspireCacheDiagnostics.MeterName, "aspirecache.membership.disagreements");

        await AskAsPeerAsync(peer, Ours);
        await AskAsPeerAsync(peer, null);
        await AskAsPeerAsync(peer, other);
        await AskAsPeerAsync(peer, "not-a-fingerprint");

        Assert.Equal(2, disagreements.GetMeasurementSnapshot().Sum(m => m.Value));

        // And the operator's series shows them (the exporter caches a scrape for a moment).
        await Waits.UntilAsync("the disagreements are exported", async () => await DisagreementsAsync() >= 2, cancellationToken: Token);
    }

    private static async Task AskAsPeerAsync(HttpClient peer, string? fingerprint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/_peer/{CacheNodeFactory.Group}/membership-{Guid.NewGuid():N}");
        if (fingerprint is not null)
        {
            request.Headers.Add(Membership.Header, fingerprint);
        }

        using HttpResponseMessage response = await peer.SendAsync(request, Token);
        Assert.True(response.IsSuccessStatusCode, $"the peer request answered {(int)response.StatusCode}");
    }

    // The Prometheus series, as an operator's alert would read it; absent until the first disagreement. Summed
    // over its lines: OpenTelemetry listens to meters by name process-wide, so the other test nodes alive in
    // this process show a series of their own here, whose order is not fixed, and which go with their nodes.
    private async Task<double> DisagreementsAsync()
    {
        using HttpClient anonymous = NodeClients.Anonymous(node);
        string metrics = await anonymous.GetStringAsync("/metrics", Token);
        return metrics.Split('\n')
            .Where(l => l.StartsWith("aspirecache_membership_disagreements_total", StringComparison.Ordinal))
            .Sum(l => double.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)); // name{labels} value [timestamp]
    }

    private sealed class CapturingHandler(TaskCompletionSource<HttpRequestMessage> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.TrySetResult(request);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
