using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// On the real node, a bug in probing, in passing a change on, or in asking for a hand-off (here an
/// <see cref="InvalidOperationException"/> from the peer clients' handler) is no failure of the peer: the peer
/// is neither ejected nor paused, the error is counted by site, and a change answers 500 with a problem type of
/// its own, naming the member, which owes the change. A peer's real failure (<see cref="HttpRequestException"/>)
/// still counts against it, which shows that the test can tell the two apart.
/// </summary>
public sealed class InternalErrorHttpTests : IDisposable
{
    private readonly GhostPeerNode _node = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task AProbeThatABugStops_LeavesThePeerInTheRing_AndIsCounted_WhileAPeerFailureEjectsIt()
    {
        _ = _node.BaseAddress;
        LocalNode local = _node.Services.GetRequiredService<LocalNode>();
        PeerProber prober = _node.Prober;
        _node.Peer.Throw(new InvalidOperationException("a bug in the probe"));

        for (int round = 0; round < 3; round++)
        {
            await prober.ProbeAllAsync(Token);
        }

        Assert.Equal(MemberState.Up, local.Health.Snapshot()["ghost"].State);
        await Waits.UntilAsync("the probes' internal errors are exported", async () => await InternalErrorsAsync("probe") >= 3, cancellationToken: Token);

        _node.Peer.Throw(new HttpRequestException("connection refused"));
        for (int round = 0; round < 2; round++)
        {
            await prober.ProbeAllAsync(Token);
        }

        Assert.Equal(MemberState.Down, local.Health.Snapshot()["ghost"].State);
    }

    [Fact]
    public async Task AChangeThatABugStopsAtAMember_Answers500WithItsProblemType_AndTheMemberOwesIt()
    {
        using HttpClient admin = NodeClients.Admin(_node);
        MissedChanges missed = _node.Services.GetRequiredService<MissedChanges>();
        _node.Peer.Throw(new InvalidOperationException("a bug in passing the change on"));

        // The node answers once the member's lease has surely run out, on its clock.
        // The wait may start just after the clock moved, so the clock moves by a lease until the answer comes.
        Task<HttpResponseMessage> removal = admin.DeleteAsync($"/cache/{CacheNodeFactory.Group}/changed", Token);
        await Waits.UntilAsync("the member's debt is recorded", () => missed.Owes("ghost", CacheNodeFactory.Group), cancellationToken: Token);
        await Waits.UntilAsync(
            "the change answers once the member's lease has run out",
            () =>
            {
                _node.Clock.Advance(_node.Lease);
                return removal.IsCompleted;
            },
            cancellationToken: Token);
        using HttpResponseMessage response = await removal;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal(AspireCache.Client.CacheHttpProtocol.InternalErrorProblem, problem.GetProperty("type").GetString());
        Assert.Equal(["ghost"], problem.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.True(missed.Owes("ghost", CacheNodeFactory.Group));
        Assert.Equal(MemberState.Up, _node.Services.GetRequiredService<LocalNode>().Health.Snapshot()["ghost"].State);
        await Waits.UntilAsync("the change's internal error is exported", async () => await InternalErrorsAsync("change") >= 1, cancellationToken: Token);
    }

    [Fact]
    public async Task AHandOffThatABugStops_PausesNothing_WhileAPeerFailurePausesThePeersHandOffs()
    {
        _ = _node.BaseAddress;
        HttpCachePeer ghost = _node.Services.GetRequiredService<LocalNode>().Peers.Single(p => p.Name == "ghost");
        ghost.ProtocolVersion = PeerProtocol.Version;
        _node.Peer.Throw(new InvalidOperationException("a bug in the hand-off"));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await ghost.HandOffAsync(CacheNodeFactory.Group, "k1", Token));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await ghost.HandOffAsync(CacheNodeFactory.Group, "k2", Token));
        Assert.Equal(2, _node.Peer.HandOffsAsked);

        _node.Peer.Throw(new HttpRequestException("connection refused"));
        await Assert.ThrowsAsync<HttpRequestException>(async () => await ghost.HandOffAsync(CacheNodeFactory.Group, "k3", Token));
        Assert.Null(await ghost.HandOffAsync(CacheNodeFactory.Group, "k4", Token));
        Assert.Equal(3, _node.Peer.HandOffsAsked);
    }

    // Summed over the lines: other test nodes in this process publish series of their own.
    private async Task<double> InternalErrorsAsync(string site)
    {
        using HttpClient anonymous = NodeClients.Anonymous(_node);
        string metrics = await anonymous.GetStringAsync("/metrics", Token);
        return metrics.Split('\n')
            .Where(l => l.StartsWith("aspirecache_internal_errors_total{", StringComparison.Ordinal) && l.Contains($"aspirecache_site=\"{site}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
