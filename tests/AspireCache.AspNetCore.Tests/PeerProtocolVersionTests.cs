using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// A node learns each peer's protocol version from its status answers: a node of this version announces 3,
/// one of the version before says nothing and stays at 1, and is then never sent a hand-off.
/// </summary>
public sealed class PeerProtocolVersionTests : IAsyncDisposable
{
    private readonly ScriptedMembers _members = new();
    private readonly RefreshingNodeFactory _node;
    private readonly OtherNode _newPeer = new();
    private WebApplication? _oldPeer;
    private int _version1StatusAnswers;

    public PeerProtocolVersionTests() => _node = new RefreshingNodeFactory(_members);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _node.Dispose();
        _newPeer.Dispose();
        if (_oldPeer is not null)
        {
            await _oldPeer.DisposeAsync();
        }
    }

    [Fact]
    public async Task ANewPeerIsSeenAtVersion3_AndAPeerOfVersion1AtVersion1()
    {
        _oldPeer = await StartVersion1PeerAsync();
        Uri oldAddress = new(_oldPeer.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        _members.Answer(new ClusterMember("solo", new Uri("http://127.0.0.1:9")), new ClusterMember("other", _newPeer.BaseAddress), new ClusterMember("old", oldAddress));
        using HttpClient client = NodeClients.Anonymous(_node);

        // Probes of one round end before the next round starts: a second status request means the first answer was read.
        await Waits.UntilAsync("the new peer is seen at version 3", async () => (await VersionOfAsync(client, "other")) == 3, cancellationToken: Token);
        await Waits.UntilAsync("the old peer answered a status request and was asked again", () => Volatile.Read(ref _version1StatusAnswers) >= 2, cancellationToken: Token);

        Assert.Equal(1, await VersionOfAsync(client, "old"));
        HttpCachePeer old = _node.Services.GetRequiredService<LocalNode>().Peers.Single(p => p.Name == "old");
        Assert.Null(await old.HandOffAsync(CacheNodeFactory.Group, "k", Token)); // Not asked: the stub has no peer API, and a request would fail.
    }

    private static async Task<int?> VersionOfAsync(HttpClient client, string member) =>
        (await client.GetFromJsonAsync<ClusterAnswer>("/cluster", Token))!.Members.SingleOrDefault(m => m.Name == member)?.ProtocolVersion;

    // A node of version 1 as far as the status exchange goes: "nothing owed", and no version header.
    private async Task<WebApplication> StartVersion1PeerAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapGet(PeerStatusEndpoints.StatusPath, () =>
        {
            Interlocked.Increment(ref _version1StatusAnswers);
            return Results.Json(new Dictionary<string, long>());
        });
        await app.StartAsync(Token);
        return app;
    }

    // Given the same member set as the node under test, so that their probes count no disagreement: the
    // disagreement counter is read process-wide by another test class.
    private sealed class OtherNode : CacheNodeFactory
    {
        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            settings["Cache:NodeName"] = "other";
            settings["Cache:Members:0"] = "old";
            settings["Cache:Members:1"] = "other";
            settings["Cache:Members:2"] = "solo";
            settings["services:old:http:0"] = "http://127.0.0.1:9";
        }
    }
}
