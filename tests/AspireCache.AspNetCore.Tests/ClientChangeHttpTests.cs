using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The client write API over HTTP: PUT, DELETE and clear, their credentials, and their refusals.</summary>
public sealed class ClientChangeHttpTests(LifetimeNodeFactory node) : IClassFixture<LifetimeNodeFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string FreshKey(string label) => $"{label}-{Guid.NewGuid():N}";

    [Fact]
    public async Task APut_ThenAGet_ServesTheWrittenValue_WithTheGroupsLifetime()
    {
        string key = FreshKey("put");
        using HttpClient admin = NodeClients.Admin(node);

        using HttpResponseMessage put = await admin.PutAsync($"/cache/demo/{key}", new ByteArrayContent([9, 8, 7]), Token);
        using HttpResponseMessage get = await admin.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal([9, 8, 7], await get.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal("hit", get.Header("X-Cache-Result"));
        Assert.Equal("max-age=60", get.Header("Cache-Control"));
        Assert.Equal(0, StubSourceHandler.CallsOf(key));
    }

    [Fact]
    public async Task APutWithMaxAge_GivesTheValueThatLifetime()
    {
        string key = FreshKey("put-max-age");
        using HttpClient admin = NodeClients.Admin(node);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/cache/demo/{key}") { Content = new ByteArrayContent([1]) };
        request.Headers.CacheControl = new CacheControlHeaderValue { MaxAge = TimeSpan.FromSeconds(5) };

        using HttpResponseMessage put = await admin.SendAsync(request, Token);
        using HttpResponseMessage get = await admin.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal("max-age=5", get.Header("Cache-Control"));
    }

    [Fact]
    public async Task APutWithAMalformedCacheControl_Is400_AndWritesNothing()
    {
        string key = FreshKey("put-bad-cc");
        using HttpClient admin = NodeClients.Admin(node);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/cache/demo/{key}") { Content = new ByteArrayContent([1]) };
        request.Headers.TryAddWithoutValidation("Cache-Control", "max-age=soon");

        using HttpResponseMessage put = await admin.SendAsync(request, Token);
        using HttpResponseMessage get = await admin.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("load", get.Header("X-Cache-Result"));
    }

    [Fact]
    public async Task ADelete_ThenAGet_LoadsTheKeyAgain()
    {
        string key = FreshKey("delete");
        using HttpClient admin = NodeClients.Admin(node);
        (await admin.GetAsync($"/cache/demo/{key}", Token)).Dispose();

        using HttpResponseMessage delete = await admin.DeleteAsync($"/cache/demo/{key}", Token);
        using HttpResponseMessage get = await admin.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("load", get.Header("X-Cache-Result"));
        Assert.Equal(2, StubSourceHandler.CallsOf(key));
    }

    [Fact]
    public async Task ADeleteOfAWrittenValue_BringsBackTheSourcesValue()
    {
        string key = FreshKey("put-delete");
        using HttpClient admin = NodeClients.Admin(node);
        (await admin.PutAsync($"/cache/demo/{key}", new ByteArrayContent([5]), Token)).Dispose();

        (await admin.DeleteAsync($"/cache/demo/{key}", Token)).Dispose();
        using HttpResponseMessage get = await admin.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(StubSourceHandler.ValueBytes, (await get.Content.ReadAsByteArrayAsync(Token)).Length);
    }

    [Fact]
    public async Task AClear_ThenGets_LoadEveryKeyAgain()
    {
        string[] keys = [FreshKey("clear-a"), FreshKey("clear-b")];
        using HttpClient admin = NodeClients.Admin(node);
        foreach (string key in keys)
        {
            (await admin.GetAsync($"/cache/demo/{key}", Token)).Dispose();
        }

        using HttpResponseMessage clear = await admin.PostAsync("/_admin/groups/demo/clear", content: null, Token);

        Assert.Equal(HttpStatusCode.NoContent, clear.StatusCode);
        foreach (string key in keys)
        {
            using HttpResponseMessage get = await admin.GetAsync($"/cache/demo/{key}", Token);
            Assert.Equal("load", get.Header("X-Cache-Result"));
            Assert.Equal(2, StubSourceHandler.CallsOf(key));
        }
    }

    [Theory]
    [InlineData("DELETE", "/cache/demo/")]
    [InlineData("DELETE", "/cache/demo")]
    [InlineData("PUT", "/cache/demo/")]
    [InlineData("PUT", "/cache/demo")]
    public async Task AnEmptyKey_Is400_AndClearsNothing(string method, string target)
    {
        string key = FreshKey("survivor");
        using HttpClient admin = NodeClients.Admin(node);
        (await admin.GetAsync($"/cache/demo/{key}", Token)).Dispose();

        using var request = new HttpRequestMessage(new HttpMethod(method), target) { Content = method == "PUT" ? new ByteArrayContent([1]) : null };
        using HttpResponseMessage response = await admin.SendAsync(request, Token);
        using HttpResponseMessage get = await admin.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(AspireCache.Client.CacheHttpProtocol.InvalidKeyProblem, await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal("hit", get.Header("X-Cache-Result"));
    }

    [Fact]
    public async Task AValueOverMaxValueBytes_Is413_ByItsContentLength_OrAsRead()
    {
        string key = FreshKey("too-large");
        using HttpClient admin = NodeClients.Admin(node);
        byte[] large = new byte[LifetimeNodeFactory.MaxValueBytes + 1];

        using HttpResponseMessage declared = await admin.PutAsync($"/cache/demo/{key}", new ByteArrayContent(large), Token);
        using HttpResponseMessage chunked = await admin.PutAsync($"/cache/demo/{key}", new StreamContent(new MemoryStream(large)), Token);
        using HttpResponseMessage get = await admin.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("urn:aspirecache:problem:value-too-large", (await declared.Content.ReadFromJsonAsync<ProblemAnswer>(Token))!.Type);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Equal("load", get.Header("X-Cache-Result"));
    }

    [Fact]
    public async Task AValueOfExactlyMaxValueBytes_IsWritten()
    {
        string key = FreshKey("at-limit");
        using HttpClient admin = NodeClients.Admin(node);

        using HttpResponseMessage put = await admin.PutAsync($"/cache/demo/{key}", new StreamContent(new MemoryStream(new byte[LifetimeNodeFactory.MaxValueBytes])), Token);

        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
    }

    [Theory]
    [InlineData("PUT", "/cache/nosuchgroup/key")]
    [InlineData("DELETE", "/cache/nosuchgroup/key")]
    [InlineData("POST", "/_admin/groups/nosuchgroup/clear")]
    public async Task AnUnknownGroup_Is404UnknownGroup(string method, string target)
    {
        using HttpClient admin = NodeClients.Admin(node);
        using var request = new HttpRequestMessage(new HttpMethod(method), target) { Content = method == "PUT" ? new ByteArrayContent([1]) : null };

        using HttpResponseMessage response = await admin.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:aspirecache:problem:unknown-group", (await response.Content.ReadFromJsonAsync<ProblemAnswer>(Token))!.Type);
    }

    [Theory]
    [InlineData("PUT", null, 401)]
    [InlineData("PUT", CacheNodeFactory.PeerSecretValue, 403)]
    [InlineData("PUT", "not-the-admin-secret-of-this-node", 403)]
    [InlineData("PUT", CacheNodeFactory.AdminSecretValue, 204)]
    [InlineData("DELETE", null, 401)]
    [InlineData("DELETE", CacheNodeFactory.PeerSecretValue, 403)]
    [InlineData("DELETE", "not-the-admin-secret-of-this-node", 403)]
    [InlineData("DELETE", CacheNodeFactory.AdminSecretValue, 204)]
    [InlineData("CLEAR", null, 401)]
    [InlineData("CLEAR", CacheNodeFactory.PeerSecretValue, 403)]
    [InlineData("CLEAR", "not-the-admin-secret-of-this-node", 403)]
    [InlineData("CLEAR", CacheNodeFactory.AdminSecretValue, 204)]
    public async Task Changes_NeedTheAdminSecret_AndRefuseThePeerSecret(string operation, string? secret, int status)
    {
        string key = FreshKey("auth");
        using HttpClient client = secret is null ? NodeClients.Anonymous(node) : NodeClients.WithSecret(node, secret);
        using HttpClient admin = NodeClients.Admin(node);
        byte[] original = await admin.GetByteArrayAsync($"/cache/demo/{key}", Token);

        using HttpRequestMessage request = operation switch
        {
            "PUT" => new HttpRequestMessage(HttpMethod.Put, $"/cache/demo/{key}") { Content = new ByteArrayContent([1, 2]) },
            "DELETE" => new HttpRequestMessage(HttpMethod.Delete, $"/cache/demo/{key}"),
            _ => new HttpRequestMessage(HttpMethod.Post, "/_admin/groups/demo/clear"),
        };
        using HttpResponseMessage response = await client.SendAsync(request, Token);
        using HttpResponseMessage after = await admin.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(status, (int)response.StatusCode);
        if (status == 204)
        {
            Assert.Equal(operation == "PUT" ? "hit" : "load", after.Header("X-Cache-Result"));
            return;
        }

        ProblemAnswer problem = (await response.Content.ReadFromJsonAsync<ProblemAnswer>(Token))!;
        Assert.Equal("hit", after.Header("X-Cache-Result"));
        Assert.Equal(original, await after.Content.ReadAsByteArrayAsync(Token));
        if (secret == CacheNodeFactory.PeerSecretValue)
        {
            Assert.Contains("peer secret is for nodes only", problem.Detail, StringComparison.Ordinal);
        }
    }
}
