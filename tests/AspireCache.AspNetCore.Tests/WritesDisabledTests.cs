using System.Net;
using System.Net.Http.Json;

namespace AspireCache.AspNetCore.Tests;

/// <summary>A node without an admin secret: reads work, and writes, removals and clears are refused with a reason.</summary>
public sealed class WritesDisabledTests(WritesDisabledNodeFactory node) : IClassFixture<WritesDisabledNodeFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("PUT", "/cache/demo/key")]
    [InlineData("DELETE", "/cache/demo/key")]
    [InlineData("POST", "/_admin/groups/demo/clear")]
    public async Task Changes_Are403_SayingHowToEnableThem(string method, string target)
    {
        using HttpClient client = NodeClients.Admin(node);
        using var request = new HttpRequestMessage(new HttpMethod(method), target) { Content = method == "PUT" ? new ByteArrayContent([1]) : null };

        using HttpResponseMessage response = await client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Cache__AdminSecret", (await response.Content.ReadFromJsonAsync<Problem>(Token))!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gets_StillWork()
    {
        using HttpClient client = NodeClients.Anonymous(node);

        using HttpResponseMessage response = await client.GetAsync("/cache/demo/key", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private sealed record Problem(string? Detail);
}
