using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// The real CacheNode on Kestrel on a free loopback port: a one-node ring (it owns every key) with the
/// group <c>demo</c>, whose source is <see cref="StubSourceHandler"/>, so nothing leaves the process.
/// Subclasses add settings and services (a fake clock, lifetimes, no admin secret).
/// </summary>
public class CacheNodeFactory : WebApplicationFactory<Program>
{
    public const string PeerSecretValue = "node-tests-peer-secret-0123456789abcdef";

    public const string KeyHashSecretValue = "node-tests-key-hash-secret-0123456789";

    public const string AdminSecretValue = "node-tests-admin-secret-fedcba9876543210";

    public const string Group = "demo";

    public const long CapacityBytes = 65_536;

    private Uri? _baseAddress;

    public CacheNodeFactory()
    {
        UseKestrel(0);
    }

    /// <summary>The node's loopback address, e.g. <c>http://127.0.0.1:41234</c>; starts the node on first use.</summary>
    public Uri BaseAddress => _baseAddress ??= Start();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseUrls("http://127.0.0.1:0");
        var settings = new Dictionary<string, string?>
        {
            ["Cache:NodeName"] = "solo",
            ["Cache:Members:0"] = "solo",
            ["Cache:PeerSecret"] = PeerSecretValue,
            ["Cache:KeyHashSecret"] = KeyHashSecretValue,
            ["Cache:AdminSecret"] = AdminSecretValue,
            [$"Cache:Groups:{Group}:SourceService"] = "fuzzsource",
            [$"Cache:Groups:{Group}:CapacityBytes"] = CapacityBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["services:fuzzsource:http:0"] = "http://127.0.0.1:9",
            ["services:solo:http:0"] = "http://127.0.0.1:9",
        };
        AddSettings(settings);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));

        // Tens of thousands of refused requests would otherwise be logged one by one.
        builder.ConfigureLogging(logging => logging.ClearProviders());
        builder.ConfigureTestServices(services =>
        {
            services.AddHttpClient("aspirecache-source").ConfigurePrimaryHttpMessageHandler(() => new StubSourceHandler());
            AddServices(services);
        });
    }

    /// <summary>Changes the node's configuration before it starts.</summary>
    protected virtual void AddSettings(IDictionary<string, string?> settings)
    {
    }

    /// <summary>Replaces the node's services before it starts.</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    private Uri Start()
    {
        StartServer();
        string address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address);
    }
}
