using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The failure tests' fault endpoints: off unless switched on, and then only for holders of the peer secret.</summary>
public class FaultEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(EmbeddedCacheApp.AdminSecret, HttpStatusCode.Forbidden)]
    [InlineData(EmbeddedCacheApp.PeerSecret, HttpStatusCode.NoContent)]
    public async Task FaultEndpoints_WhenSwitchedOn_TakeOnlyThePeerSecret(string? secret, HttpStatusCode expected)
    {
        await using var app = EmbeddedCacheApp.Build(cache => cache.AddGroup("g", CacheGroupSource.None), new Dictionary<string, string?> { ["Cache:Faults:Enabled"] = "true" });
        using HttpClient client = await EmbeddedCacheApp.StartAsync(app, Token);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/_faults/peer-delay?ms=1");
        if (secret is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        using HttpResponseMessage response = await client.SendAsync(request, Token);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task FaultEndpoints_AreNotMapped_UnlessSwitchedOn()
    {
        await using var app = EmbeddedCacheApp.Build(cache => cache.AddGroup("g", CacheGroupSource.None));
        using HttpClient client = await EmbeddedCacheApp.StartAsync(app, Token);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/_faults/peer-delay?ms=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EmbeddedCacheApp.PeerSecret);
        using HttpResponseMessage response = await client.SendAsync(request, Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
