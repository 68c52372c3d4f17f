using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The server library in an application of the user's own, with groups whose source is code, or none.</summary>
public sealed class EmbeddedCacheTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AGroupAddedInCode_IsServedFromItsDelegate_LoadedOnceForConcurrentGets()
    {
        int calls = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using WebApplication app = EmbeddedCacheApp.Build(cache => cache.AddGroup("users", async (key, cancellationToken) =>
        {
            Interlocked.Increment(ref calls);
            await release.Task.WaitAsync(cancellationToken);
            return Encoding.UTF8.GetBytes($"user {key}");
        }));
        using HttpClient client = await EmbeddedCacheApp.StartAsync(app, Token);
        CacheGroup users = app.Services.GetRequiredService<LocalNode>().Groups["users"];

        Task<HttpResponseMessage>[] gets = [.. Enumerable.Range(0, 5).Select(_ => client.GetAsync("/cache/users/42", Token))];
        await Waits.UntilAsync("all five gets wait on the one load", () => users.Stats.Collapses == 4, cancellationToken: Token);
        release.SetResult();

        foreach (HttpResponseMessage response in await Task.WhenAll(gets))
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("user 42", await response.Content.ReadAsStringAsync(Token));
            }
        }

        Assert.Equal(1, calls);
        using HttpResponseMessage again = await client.GetAsync("/cache/users/42", Token);
        Assert.Equal("hit", again.Header("X-Cache-Result"));
        Assert.Equal("the application's own endpoint", await client.GetStringAsync("/hello", Token));
    }

    [Fact]
    public async Task AGroupsLoader_CanBeMadeFromTheApplicationsServices()
    {
        await using WebApplication app = EmbeddedCacheApp.Build(cache =>
        {
            cache.Services.AddKeyedSingleton("greeting", "hello from the container");
            cache.AddGroup("greetings", CacheGroupSource.FromServices(services =>
            {
                string greeting = services.GetRequiredKeyedService<string>("greeting");
                return (key, _) => ValueTask.FromResult<LoadedValue>(Encoding.UTF8.GetBytes($"{greeting}: {key}"));
            }));
        });
        using HttpClient client = await EmbeddedCacheApp.StartAsync(app, Token);

        Assert.Equal("hello from the container: ada", await client.GetStringAsync("/cache/greetings/ada", Token));
    }

    [Fact]
    public async Task AGroupAddedInCode_TakesItsLimitsFromConfiguration()
    {
        await using WebApplication app = EmbeddedCacheApp.Build(
            cache => cache.AddGroup("users", (key, _) => ValueTask.FromResult<LoadedValue>(new byte[1])),
            new Dictionary<string, string?> { ["Cache:Groups:users:CapacityBytes"] = "80000", ["Cache:Groups:users:HotCacheShare"] = "0" });
        await app.StartAsync(Token);

        CacheGroup users = app.Services.GetRequiredService<LocalNode>().Groups["users"];
        Assert.Equal(80_000, users.StoreStats.CapacityBytes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AGroupWithoutSource_AnswersNoSuchKey_UntilAValueIsWritten(bool declaredInCode)
    {
        await using WebApplication app = EmbeddedCacheApp.Build(
            cache =>
            {
                if (declaredInCode)
                {
                    cache.AddGroup("sessions", CacheGroupSource.None);
                }
            },
            declaredInCode ? null : new Dictionary<string, string?> { ["Cache:Groups:sessions:NoSource"] = "true" });
        using HttpClient client = await EmbeddedCacheApp.StartAsync(app, Token);

        using (HttpResponseMessage missing = await client.GetAsync("/cache/sessions/s1", Token))
        {
            Assert.True(missing.StatusCode == HttpStatusCode.NotFound, await missing.Content.ReadAsStringAsync(Token));
        }

        using var put = new HttpRequestMessage(HttpMethod.Put, "/cache/sessions/s1") { Content = new ByteArrayContent([1, 2, 3]) };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EmbeddedCacheApp.AdminSecret);
        using (HttpResponseMessage written = await client.SendAsync(put, Token))
        {
            Assert.True(written.IsSuccessStatusCode, $"The write answered {written.StatusCode}.");
        }

        Assert.Equal([1, 2, 3], await client.GetByteArrayAsync("/cache/sessions/s1", Token));
    }

    [Fact]
    public async Task AGroupWithNeitherSourceServiceNorLoader_FailsTheStart()
    {
        // MapAspireCache builds the groups, so the settings fail there, before the server starts.
        OptionsValidationException failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using WebApplication app = EmbeddedCacheApp.Build(
                cache => cache.AddGroup("users", (key, _) => ValueTask.FromResult<LoadedValue>(new byte[1])),
                new Dictionary<string, string?> { ["Cache:Groups:orphans:CapacityBytes"] = "80000" });
            await app.StartAsync(Token);
        });
        Assert.Contains("Cache:Groups:orphans has no source", failure.Message, StringComparison.Ordinal);
    }
}
