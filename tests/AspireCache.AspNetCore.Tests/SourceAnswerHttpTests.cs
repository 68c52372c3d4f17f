using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace AspireCache.AspNetCore.Tests;

/// <summary>Over HTTP: a deferred peer answer shows the owner alive before its load ends; the source's 404 and limits reach the client.</summary>
public sealed class SourceAnswerHttpTests(CacheNodeFactory node) : IClassFixture<CacheNodeFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient Client() => new() { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private HttpClient PeerClient()
    {
        HttpClient client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CacheNodeFactory.PeerSecretValue);
        return client;
    }

    [Fact]
    public async Task APeerRequestThatMustLoad_GetsItsHeadersBeforeTheLoadEnds_AndTheValueAfter()
    {
        string key = "held-" + Guid.NewGuid().ToString("N");
        TaskCompletionSource source = StubSourceHandler.Hold(key);
        using HttpClient peer = PeerClient();

        // The source has not answered: the headers must arrive anyway.
        using HttpResponseMessage response = await peer.GetAsync($"/_peer/demo/{key}", HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.False(source.Task.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Cache-Deferred"));

        source.SetResult();
        byte[] body = await response.Content.ReadAsByteArrayAsync(Token);
        Assert.Equal((byte)'V', body[0]);
        Assert.Equal((byte)'\n', body[1]); // A value that never expires: an empty freshness line.
        Assert.Equal(StubSourceHandler.ValueBytes, body.Length - 2);

        // Now stored: a hit is answered plainly, with its length.
        using HttpResponseMessage hit = await peer.GetAsync($"/_peer/demo/{key}", Token);
        Assert.False(hit.Headers.Contains("X-Cache-Deferred"));
        Assert.Equal(StubSourceHandler.ValueBytes, hit.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task ADeferredAnswer_CarriesTheSourcesNoSuchKey()
    {
        string key = "missing-" + Guid.NewGuid().ToString("N");
        TaskCompletionSource source = StubSourceHandler.Hold(key);
        using HttpClient peer = PeerClient();

        using HttpResponseMessage response = await peer.GetAsync($"/_peer/demo/{key}", HttpCompletionOption.ResponseHeadersRead, Token);
        source.SetResult();
        byte[] body = await response.Content.ReadAsByteArrayAsync(Token);

        Assert.True(response.Headers.Contains("X-Cache-Deferred"));
        Assert.Equal((byte)'N', body[0]);
    }

    [Fact]
    public async Task TheSourcesNotFound_IsA404WithItsOwnProblemType_UnlikeAnUnknownGroup()
    {
        using HttpClient client = Client();

        using HttpResponseMessage missing = await client.GetAsync("/cache/demo/missing-" + Guid.NewGuid().ToString("N"), Token);
        using HttpResponseMessage unknownGroup = await client.GetAsync("/cache/nosuchgroup/key", Token);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:aspirecache:problem:no-such-key", (await missing.Content.ReadFromJsonAsync<ProblemAnswer>(Token))!.Type);
        Assert.Equal(HttpStatusCode.NotFound, unknownGroup.StatusCode);
        Assert.Equal("urn:aspirecache:problem:unknown-group", (await unknownGroup.Content.ReadFromJsonAsync<ProblemAnswer>(Token))!.Type);
    }

    [Fact]
    public async Task AValueOverMaxValueBytes_Is502WithADetail()
    {
        using HttpClient client = Client();

        using HttpResponseMessage response = await client.GetAsync("/cache/demo/big-" + Guid.NewGuid().ToString("N"), Token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        ProblemAnswer problem = (await response.Content.ReadFromJsonAsync<ProblemAnswer>(Token))!;
        Assert.Contains($"{StubSourceHandler.BigValueBytes} bytes", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("MaxValueBytes is 1048576", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValueThatNeverExpires_CarriesNoFreshnessHeaders()
    {
        using HttpClient client = Client();

        using HttpResponseMessage response = await client.GetAsync("/cache/demo/forever-" + Guid.NewGuid().ToString("N"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Age"));
        Assert.Null(response.Headers.CacheControl);
        Assert.False(response.Headers.Contains("X-Cache-Stale"));
    }
}
