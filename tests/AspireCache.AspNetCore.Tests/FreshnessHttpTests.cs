using System.Net;

namespace AspireCache.AspNetCore.Tests;

/// <summary>What a client GET says of a value's freshness: Age, Cache-Control and X-Cache-Stale, on a fake clock.</summary>
public sealed class FreshnessHttpTests(LifetimeNodeFactory node) : IClassFixture<LifetimeNodeFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string FreshKey(string label) => $"{label}-{Guid.NewGuid():N}";

    [Fact]
    public async Task AValueWithTheGroupsLifetime_TellsItsAgeAndWhatIsLeft_AsTheClockMoves()
    {
        string key = FreshKey("group-ttl");
        using HttpClient client = NodeClients.Anonymous(node);

        using (HttpResponseMessage loaded = await client.GetAsync($"/cache/demo/{key}", Token))
        {
            Assert.Equal("load", loaded.Header("X-Cache-Result"));
            Assert.Equal("max-age=60", loaded.Header("Cache-Control"));
            Assert.Equal("0", loaded.Header("Age"));
            Assert.Null(loaded.Header("X-Cache-Stale"));
        }

        node.Clock.Advance(TimeSpan.FromSeconds(25.5));
        using HttpResponseMessage hit = await client.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal("hit", hit.Header("X-Cache-Result"));
        Assert.Equal("max-age=34", hit.Header("Cache-Control"));
        Assert.Equal("25", hit.Header("Age"));
        Assert.Null(hit.Header("Warning"));
    }

    [Theory]
    [InlineData("max-age=10", null, "max-age=10")]
    [InlineData("max-age=10, s-maxage=4", null, "max-age=4")]
    [InlineData("max-age=10", "3", "max-age=7")]
    [InlineData("max-age=600", null, "max-age=60")]
    [InlineData("no-store", null, "no-store")]
    [InlineData("private, max-age=10", null, "no-store")]
    public async Task TheSourcesCacheControl_SetsTheLifetime_UpToTheGroups(string sourceCacheControl, string? sourceAge, string expected)
    {
        string key = FreshKey("source-ttl");
        StubSourceHandler.Answer(key, new StubAnswer([1, 2, 3], sourceCacheControl, sourceAge));
        using HttpClient client = NodeClients.Anonymous(node);

        using HttpResponseMessage response = await client.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Header("Cache-Control"));
    }

    [Fact]
    public async Task ANoStoreValue_IsServed_ButLoadedAgainForTheNextGet()
    {
        string key = FreshKey("no-store");
        StubSourceHandler.Answer(key, new StubAnswer([7, 7], "no-store"));
        using HttpClient client = NodeClients.Anonymous(node);

        using HttpResponseMessage first = await client.GetAsync($"/cache/demo/{key}", Token);
        using HttpResponseMessage second = await client.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal([7, 7], await second.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal("load", second.Header("X-Cache-Result"));
        Assert.Equal(2, StubSourceHandler.CallsOf(key));
    }

    [Fact]
    public async Task AnExpiredValue_WhoseReloadFails_IsServedStale_WithItsAge()
    {
        string key = FreshKey("stale");
        StubSourceHandler.Answer(key, new StubAnswer([4, 2]));
        using HttpClient client = NodeClients.Anonymous(node);
        using (HttpResponseMessage loaded = await client.GetAsync($"/cache/demo/{key}", Token))
        {
            Assert.Equal("load", loaded.Header("X-Cache-Result"));
        }

        StubSourceHandler.Answer(key, StubAnswer.Failure);
        node.Clock.Advance(LifetimeNodeFactory.TimeToLive + TimeSpan.FromSeconds(1));
        using HttpResponseMessage stale = await client.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal([4, 2], await stale.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal("true", stale.Header("X-Cache-Stale"));
        Assert.Equal("61", stale.Header("Age"));
        Assert.Equal("max-age=0", stale.Header("Cache-Control"));
        Assert.Equal(2, StubSourceHandler.CallsOf(key));
        Assert.Null(stale.Header("Warning"));
    }

    [Fact]
    public async Task AnExpiredValue_IsLoadedAgain_WhenTheSourceAnswers()
    {
        string key = FreshKey("expired");
        StubSourceHandler.Answer(key, new StubAnswer([1]));
        using HttpClient client = NodeClients.Anonymous(node);
        (await client.GetAsync($"/cache/demo/{key}", Token)).Dispose();

        StubSourceHandler.Answer(key, new StubAnswer([2]));
        node.Clock.Advance(LifetimeNodeFactory.TimeToLive + TimeSpan.FromSeconds(1));
        using HttpResponseMessage reloaded = await client.GetAsync($"/cache/demo/{key}", Token);

        Assert.Equal([2], await reloaded.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal("load", reloaded.Header("X-Cache-Result"));
        Assert.Null(reloaded.Header("X-Cache-Stale"));
    }
}
