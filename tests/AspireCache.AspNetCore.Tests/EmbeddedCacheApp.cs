using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// An application of a user's own (not CacheNode) that embeds the cache: a one-member ring on Kestrel
/// on a free loopback port, with whatever groups the test adds in code or in configuration.
/// </summary>
/// <remarks>
/// Kestrel rather than the test server: the test server hands the endpoints an absolute request target,
/// which the cache's path parsing refuses as a client's would be.
/// </remarks>
internal static class EmbeddedCacheApp
{
    public const string PeerSecret = "embedded-peer-secret-0123456789abcdef";

    public const string AdminSecret = "embedded-admin-secret-fedcba9876543210";

    public static WebApplication Build(Action<IAspireCacheBuilder> addGroups, IDictionary<string, string?>? settings = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cache:NodeName"] = "app-0",
            ["Cache:Members:0"] = "app-0",
            ["Cache:PeerSecret"] = PeerSecret,
            ["Cache:KeyHashSecret"] = "embedded-key-hash-secret-0123456789",
            ["Cache:AdminSecret"] = AdminSecret,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        addGroups(builder.Services.AddAspireCache());

        WebApplication app = builder.Build();
        app.MapGet("/hello", () => "the application's own endpoint");
        app.MapAspireCache();
        return app;
    }

    /// <summary>Starts the application and gives a client of its address.</summary>
    public static async Task<HttpClient> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken);
        return new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
    }
}
