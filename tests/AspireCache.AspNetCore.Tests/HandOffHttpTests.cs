using System.Net;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// The hand-off on the real node: a peer request with <c>X-Cache-Hand-Off</c> is answered from the store
/// only, and a node of version 1's requests (no version, no member set) are served as before.
/// </summary>
public sealed class HandOffHttpTests(CacheNodeFactory node) : IClassFixture<CacheNodeFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AHandOffOfAKeyNotHeld_Answers204_AndNeverCallsTheSource()
    {
        using HttpClient peer = NodeClients.Peer(node);
        string key = $"handoff-{Guid.NewGuid():N}";

        using HttpResponseMessage response = await SendAsync(peer, HttpMethod.Get, $"/_peer/{CacheNodeFactory.Group}/{key}", handOff: true);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, StubSourceHandler.CallsOf(key));
    }

    [Fact]
    public async Task AHandOffOfAKeyHeld_AnswersTheStoredValueWithItsFreshness_AndALaterRemovalEndsIt()
    {
        using HttpClient peer = NodeClients.Peer(node);
        using HttpClient admin = NodeClients.Admin(node);
        string key = $"handoff-{Guid.NewGuid():N}";
        byte[] loaded = await admin.GetByteArrayAsync($"/cache/{CacheNodeFactory.Group}/{key}", Token);

        using (HttpResponseMessage held = await SendAsync(peer, HttpMethod.Get, $"/_peer/{CacheNodeFactory.Group}/{key}", handOff: true))
        {
            Assert.Equal(HttpStatusCode.OK, held.StatusCode);
            Assert.Equal(loaded, await held.Content.ReadAsByteArrayAsync(Token));
            Assert.Null(held.Header(PeerProtocol.DeferredHeader));
        }

        using (HttpResponseMessage removed = await admin.DeleteAsync($"/cache/{CacheNodeFactory.Group}/{key}", Token))
        {
            Assert.True(removed.IsSuccessStatusCode, $"the removal answered {(int)removed.StatusCode}");
        }

        using HttpResponseMessage gone = await SendAsync(peer, HttpMethod.Get, $"/_peer/{CacheNodeFactory.Group}/{key}", handOff: true);
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        Assert.Equal(1, StubSourceHandler.CallsOf(key));
    }

    [Fact]
    public async Task AHandOffWithoutThePeerSecret_IsRefused()
    {
        using HttpClient anonymous = NodeClients.Anonymous(node);

        using HttpResponseMessage response = await SendAsync(anonymous, HttpMethod.Get, $"/_peer/{CacheNodeFactory.Group}/k", handOff: true);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ANodeOfVersion1_IsServed_AndTheStatusAnswerAnnouncesVersion3()
    {
        // Version 1 sent neither the protocol version nor the member set: only the secret.
        using HttpClient oldPeer = NodeClients.Peer(node);
        string key = $"old-{Guid.NewGuid():N}";

        using HttpResponseMessage value = await SendAsync(oldPeer, HttpMethod.Get, $"/_peer/{CacheNodeFactory.Group}/{key}", handOff: false);
        byte[] body = await value.Content.ReadAsByteArrayAsync(Token);
        using HttpResponseMessage status = await SendAsync(oldPeer, HttpMethod.Get, PeerStatusEndpoints.StatusPath, handOff: false, member: "old-node");

        Assert.True(value.IsSuccessStatusCode, $"the peer get answered {(int)value.StatusCode}");
        Assert.NotEmpty(body);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("3", status.Header(PeerProtocol.VersionHeader));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, bool handOff, string? member = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (handOff)
        {
            request.Headers.Add(PeerProtocol.HandOffHeader, "1");
        }

        if (member is not null)
        {
            request.Headers.Add(PeerStatusEndpoints.MemberHeader, member);
        }

        return await client.SendAsync(request, Token);
    }
}
