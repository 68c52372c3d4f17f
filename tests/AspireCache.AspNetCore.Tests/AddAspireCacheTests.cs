using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore.Tests;

/// <summary>How <c>AddAspireCache</c> combines configuration and code.</summary>
public class AddAspireCacheTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Configure_OverridesTheConfigurationSection_HoweverOftenItIsCalled(int calls)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cache:NodeName"] = "app-0",
                ["Cache:Members:0"] = "app-0",
                ["Cache:PeerSecret"] = "add-aspire-cache-peer-secret-0123",
                ["Cache:KeyHashSecret"] = "add-aspire-cache-key-hash-secret",
                ["Cache:Groups:sessions:NoSource"] = "true",
                ["Cache:PeerTimeout"] = "00:00:05",
                ["Cache:ProbeInterval"] = "00:00:03",
            })
            .Build());

        services.AddAspireCache(options => options.PeerTimeout = TimeSpan.FromSeconds(2));
        if (calls == 2)
        {
            services.AddAspireCache(options => options.ProbeInterval = TimeSpan.FromSeconds(4));
        }

        using ServiceProvider provider = services.BuildServiceProvider();
        CacheNodeOptions options = provider.GetRequiredService<IOptions<CacheNodeOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(2), options.PeerTimeout);
        Assert.Equal(TimeSpan.FromSeconds(calls == 2 ? 4 : 3), options.ProbeInterval);
    }
}
