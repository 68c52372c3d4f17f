using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireCache.Client.Tests;

/// <summary>An application with two clusters: each client keyed by its connection's name, the first one unkeyed as well.</summary>
public class KeyedClientTests
{
    private static readonly string[] OtherNames = ["other-0", "other-1"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> TwoClusters() => new()
    {
        ["ConnectionStrings:cache"] = FakeNodes.ConnectionString,
        ["ConnectionStrings:other"] = string.Join(",", OtherNames.Select(n => $"{n}=http://{n}.test")),
        ["AspireCache:Client:AdminSecret"] = ClientHost.Secret,
    };

    [Fact]
    public async Task AddCacheClient_ForASecondCluster_KeepsTheFirstAsTheUnkeyedClient_AndKeysEachByItsName()
    {
        using ClientHost host = ClientHost.Create(configuration: TwoClusters(), alsoAdd: builder => builder.AddCacheClient("other"));

        ICacheClient first = host.Services.GetRequiredKeyedService<ICacheClient>("cache");
        ICacheClient second = host.Services.GetRequiredKeyedService<ICacheClient>("other");

        Assert.Same(first, host.Client);
        Assert.NotSame(first, second);
        Assert.Contains((await host.Client.GetAsync("demo", "k", Token)).Member, FakeNodes.Names);
        Assert.Contains((await second.GetAsync("demo", "k", Token)).Member, OtherNames);
    }

    [Fact]
    public async Task AddKeyedCacheClient_RegistersTheClientUnderItsNameOnly()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(TwoClusters());
        builder.AddKeyedCacheClient("other");
        var nodes = new FakeNodes();
        builder.Services.AddHttpClient("aspirecache-client").ConfigurePrimaryHttpMessageHandler(() => nodes);
        using IHost host = builder.Build();

        Assert.Null(host.Services.GetService<ICacheClient>());
        ICacheClient other = host.Services.GetRequiredKeyedService<ICacheClient>("other");
        Assert.Contains((await other.GetAsync("demo", "k", Token)).Member, OtherNames);
    }

    [Fact]
    public async Task AddDistributedCache_GoesThroughItsOwnConnectionsClient_NotTheUnkeyedOne()
    {
        using ClientHost host = ClientHost.Create(
            configuration: TwoClusters(),
            alsoAdd: builder => builder.AddKeyedCacheClient("other").AddDistributedCache("sessions"));
        IDistributedCache cache = host.Services.GetRequiredService<IDistributedCache>();

        await cache.SetAsync("s1", "v"u8.ToArray(), new DistributedCacheEntryOptions(), Token);
        Assert.Equal("value"u8.ToArray(), await cache.GetAsync("s1", Token));

        Assert.Equal(2, host.Nodes.CacheRequests.Length);
        Assert.All(host.Nodes.CacheRequests, r => Assert.Contains(r.Member, OtherNames));
    }

    [Fact]
    public void AddKeyedCacheClient_ChecksItsArguments()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        Assert.Throws<ArgumentNullException>(() => ((IHostApplicationBuilder)null!).AddKeyedCacheClient("cache"));
        Assert.Throws<ArgumentException>(() => builder.AddKeyedCacheClient(""));
    }
}
