using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The node's HTTP clients resolve members' names exactly once, with or without Aspire's service defaults.</summary>
public class ServiceNameResolutionTests
{
    public static TheoryData<string> NodeClients => [PeerProtocol.PeerClientName, PeerProber.ClientName, PeerProtocol.SourceClientName];

    [Theory]
    [MemberData(nameof(NodeClients))]
    public void Client_WithoutServiceDefaults_StillResolvesServiceNames(string client)
    {
        IServiceCollection services = NodeServices();
        services.AddAspireCache();

        Assert.Equal(1, ResolvingHandlersOf(services, client));
    }

    [Theory]
    [MemberData(nameof(NodeClients))]
    public void Client_WhenDefaultsResolveForEveryClient_ResolvesOnlyOnce(string client)
    {
        IServiceCollection services = NodeServices();
        services.AddServiceDiscovery();
        services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        services.AddAspireCache();

        Assert.Equal(1, ResolvingHandlersOf(services, client));
    }

    private static IServiceCollection NodeServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        // A valid node: the peer client's handlers stamp each request with the node's secret and member set.
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cache:NodeName"] = "solo",
                ["Cache:Members:0"] = "solo",
                ["Cache:PeerSecret"] = CacheNodeFactory.PeerSecretValue,
                ["Cache:KeyHashSecret"] = CacheNodeFactory.KeyHashSecretValue,
                ["Cache:Groups:demo:SourceService"] = "source",
            })
            .Build());
        return services;
    }

    private static int ResolvingHandlersOf(IServiceCollection services, string client)
    {
        using ServiceProvider provider = services.BuildServiceProvider();
        HttpMessageHandler? handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(client);
        int count = 0;
        while (handler is DelegatingHandler delegating)
        {
            // Service discovery keeps its handler type internal; its name is what a test can see.
            count += delegating.GetType().Name == "ResolvingHttpDelegatingHandler" ? 1 : 0;
            handler = delegating.InnerHandler;
        }

        return count;
    }
}
