using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AspireCache.Client.Tests;

public class SettingsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static OptionsValidationException Invalid(Dictionary<string, string?> configuration)
    {
        using ClientHost host = ClientHost.Create(configuration: configuration);
        return Assert.Throws<OptionsValidationException>(() => host.Client);
    }

    [Theory]
    [InlineData(null, "has no members")]
    [InlineData(" ", "has no members")]
    [InlineData("cache-0,,cache-1", "empty entry")]
    [InlineData("=http://localhost:5000", "no member name")]
    [InlineData("cache-0=ftp://localhost", "not an absolute http or https address")]
    [InlineData("cache-0=http://localhost:5000/path", "not an absolute http or https address")]
    [InlineData("cache-0=localhost:5000", "not an absolute http or https address")]
    [InlineData("cache 0", "not a member name that service discovery can resolve")]
    [InlineData("cache-0,cache-0", "listed twice")]
    [InlineData("cache-0=http://localhost:1,cache-0", "listed twice")]
    public void AConnectionStringWithoutGoodMembers_IsRefused_SayingWhy(string? connectionString, string error)
    {
        OptionsValidationException ex = Invalid(new() { ["ConnectionStrings:cache"] = connectionString });

        Assert.Contains(error, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RequestTimeout", "00:00:00", "RequestTimeout must be positive")]
    [InlineData("ProbeTimeout", "-00:00:01", "ProbeTimeout must be positive")]
    [InlineData("LoadTimeout", "00:00:01", "LoadTimeout (00:00:01) must be longer than RequestTimeout")]
    [InlineData("KeyHashSecret", "too-short", "KeyHashSecret, when set, must be the cluster's key hash secret")]
    [InlineData("AvoidFailedMemberFor", "-00:00:01", "AvoidFailedMemberFor cannot be negative")]
    public void ASettingOutOfRange_IsRefused_NamingIt(string setting, string value, string error)
    {
        OptionsValidationException ex = Invalid(new()
        {
            ["ConnectionStrings:cache"] = "cache-0",
            [$"AspireCache:Client:cache:{setting}"] = value,
        });

        Assert.Contains($"AspireCache:Client:cache:{error}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApplication_DoesNotStart_WithoutMembers()
    {
        using ClientHost host = ClientHost.Create(configuration: []);

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync(Token));
    }

    [Fact]
    public void Settings_BindFromTheSharedSection_ThenTheConnectionsOwn_ThenTheDelegate()
    {
        using ClientHost host = ClientHost.Create(
            configure: s => s.ProbeTimeout = TimeSpan.FromSeconds(3),
            configuration: new()
            {
                ["ConnectionStrings:cache"] = "cache-0,cache-1",
                ["AspireCache:Client:AdminSecret"] = "shared",
                ["AspireCache:Client:RequestTimeout"] = "00:00:02",
                ["AspireCache:Client:cache:AdminSecret"] = "own",
                ["AspireCache:Client:cache:ProbeTimeout"] = "00:00:01",
            });

        CacheClientSettings settings = host.Services.GetRequiredService<IOptionsMonitor<CacheClientSettings>>().Get("cache");

        Assert.Equal("cache-0,cache-1", settings.ConnectionString);
        Assert.Equal("own", settings.AdminSecret);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.LoadTimeout);
    }

    [Fact]
    public async Task BareMemberNames_AreResolvedThroughServiceDiscovery_AsTheNodesResolveEachOther()
    {
        using ClientHost host = ClientHost.Create(configuration: new()
        {
            ["ConnectionStrings:cache"] = string.Join(",", FakeNodes.Names),
            ["services:cache-0:http:0"] = "http://cache-0.test",
            ["services:cache-1:http:0"] = "http://cache-1.test",
            ["services:cache-2:http:0"] = "http://cache-2.test",
        });
        var ring = new ConsistentHashRing();
        ring.Add(FakeNodes.Names);

        for (int i = 0; i < 20; i++)
        {
            CacheGetResult result = await host.Client.GetAsync("demo", $"k{i}", Token);
            Assert.Equal(ring.GetOwner($"k{i}"), result.Member);
        }

        Assert.All(host.Nodes.CacheRequests.Select((r, i) => (r, i)), x => Assert.Equal(ring.GetOwner($"k{x.i}"), x.r.Member));
    }

    [Fact]
    public void AddCacheClient_ChecksItsArguments()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        Assert.Throws<ArgumentNullException>(() => ((IHostApplicationBuilder)null!).AddCacheClient("cache"));
        Assert.Throws<ArgumentException>(() => builder.AddCacheClient(""));
    }
}
