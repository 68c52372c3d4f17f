using System.Net;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Client.Tests;

public class DistributedCacheTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static (ClientHost Host, IDistributedCache Cache) Create(FakeTimeProvider? time = null)
    {
        ClientHost host = ClientHost.Create(time: time, then: client => client.AddDistributedCache("sessions"));
        foreach (string member in FakeNodes.Names)
        {
            host.Nodes.On(member, (request, _) => Task.FromResult(
                request.Method == HttpMethod.Get
                    ? FakeNodes.Problem(HttpStatusCode.NotFound, CacheHttpProtocol.NoSuchKeyProblem, fromSource: true)
                    : new HttpResponseMessage(HttpStatusCode.NoContent)));
        }

        return (host, host.Services.GetRequiredService<IDistributedCache>());
    }

    [Fact]
    public void AddDistributedCache_RegistersOneOverTheGroup()
    {
        (ClientHost host, IDistributedCache cache) = Create();
        using (host)
        {
            Assert.Equal("sessions", Assert.IsType<CacheGroupDistributedCache>(cache).Group);
        }
    }

    [Fact]
    public async Task Get_OfAKeyTheGroupDoesNotHave_IsNull()
    {
        (ClientHost host, IDistributedCache cache) = Create();
        using (host)
        {
            Assert.Null(await cache.GetAsync("nobody", Token));
            Assert.Null(cache.Get("nobody"));
            Assert.All(host.Nodes.CacheRequests, r => Assert.StartsWith("/cache/sessions/", r.Path, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Get_OfAKeyTheGroupHas_IsItsValue()
    {
        using ClientHost host = ClientHost.Create(then: client => client.AddDistributedCache("sessions"));
        IDistributedCache cache = host.Services.GetRequiredService<IDistributedCache>();

        Assert.Equal("value"u8.ToArray(), await cache.GetAsync("someone", Token));
    }

    [Fact]
    public async Task Set_WithARelativeExpiration_WritesWithThatLifetime()
    {
        (ClientHost host, IDistributedCache cache) = Create();
        using (host)
        {
            await cache.SetAsync("s1", "v"u8.ToArray(), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(90) }, Token);

            FakeNodes.Recorded put = Assert.Single(host.Nodes.CacheRequests);
            Assert.Equal((HttpMethod.Put, "/cache/sessions/s1"), (put.Method, put.Path));
            Assert.Equal(TimeSpan.FromSeconds(90), put.MaxAge);
            Assert.Equal("v"u8.ToArray(), put.Body);
        }
    }

    [Fact]
    public async Task Set_WithAnAbsoluteExpiration_WritesWithTheTimeUntilThen_AndWithBoth_TheSooner()
    {
        FakeTimeProvider time = ClientHost.FakeTime();
        (ClientHost host, IDistributedCache cache) = Create(time);
        using (host)
        {
            await cache.SetAsync("s1", "v"u8.ToArray(), new DistributedCacheEntryOptions { AbsoluteExpiration = time.GetUtcNow().AddMinutes(2) }, Token);
            cache.Set("s2", "v"u8.ToArray(), new DistributedCacheEntryOptions { AbsoluteExpiration = time.GetUtcNow().AddMinutes(2), AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30) });

            Assert.Equal([TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(30)], host.Nodes.CacheRequests.Select(r => r.MaxAge!.Value));
        }
    }

    [Fact]
    public async Task Set_WithoutAnExpiration_LeavesTheGroupsTimeToLive()
    {
        (ClientHost host, IDistributedCache cache) = Create();
        using (host)
        {
            await cache.SetAsync("s1", "v"u8.ToArray(), new DistributedCacheEntryOptions(), Token);

            Assert.Null(Assert.Single(host.Nodes.CacheRequests).MaxAge);
        }
    }

    [Fact]
    public async Task Set_WithASlidingExpiration_IsNotSupported_AndWritesNothing()
    {
        (ClientHost host, IDistributedCache cache) = Create();
        using (host)
        {
            NotSupportedException ex = await Assert.ThrowsAsync<NotSupportedException>(() => cache.SetAsync("s1", "v"u8.ToArray(), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) }, Token));

            Assert.Contains("sliding expiration", ex.Message, StringComparison.Ordinal);
            Assert.Empty(host.Nodes.Requests);
        }
    }

    [Fact]
    public async Task Set_WithAnExpirationInThePast_IsRefused()
    {
        FakeTimeProvider time = ClientHost.FakeTime();
        (ClientHost host, IDistributedCache cache) = Create(time);
        using (host)
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cache.SetAsync("s1", "v"u8.ToArray(), new DistributedCacheEntryOptions { AbsoluteExpiration = time.GetUtcNow().AddSeconds(-1) }, Token));

            Assert.Empty(host.Nodes.Requests);
        }
    }

    [Fact]
    public async Task Refresh_SendsNothing_AndRemove_DeletesTheKey()
    {
        (ClientHost host, IDistributedCache cache) = Create();
        using (host)
        {
            await cache.RefreshAsync("s1", Token);
            cache.Refresh("s1");
            await cache.RemoveAsync("s1", Token);
            cache.Remove("s2");

            Assert.Equal([(HttpMethod.Delete, "/cache/sessions/s1"), (HttpMethod.Delete, "/cache/sessions/s2")], host.Nodes.CacheRequests.Select(r => (r.Method, r.Path)));
        }
    }

    [Fact]
    public async Task HybridCache_UsesItAsItsDistributedTier()
    {
        using ClientHost host = ClientHost.Create(then: client =>
        {
            client.AddDistributedCache("sessions");
            client.Services.AddHybridCache();
        });
        var written = new TaskCompletionSource<FakeNodes.Recorded>(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (string member in FakeNodes.Names)
        {
            host.Nodes.On(member, (request, _) =>
            {
                if (request.Method == HttpMethod.Get)
                {
                    return Task.FromResult(FakeNodes.Problem(HttpStatusCode.NotFound, CacheHttpProtocol.NoSuchKeyProblem, fromSource: true));
                }

                written.TrySetResult(host.Nodes.Requests.Last());
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
            });
        }

        HybridCache hybrid = host.Services.GetRequiredService<HybridCache>();
        string value = await hybrid.GetOrCreateAsync("user-7", _ => ValueTask.FromResult("made once"), cancellationToken: Token);

        Assert.Equal("made once", value);
        FakeNodes.Recorded put = await written.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal((HttpMethod.Put, "/cache/sessions/user-7"), (put.Method, put.Path));
        // HybridCache frames the value with a header and a trailer of its own.
        Assert.Contains("made once", System.Text.Encoding.UTF8.GetString(put.Body!), StringComparison.Ordinal);
    }
}
