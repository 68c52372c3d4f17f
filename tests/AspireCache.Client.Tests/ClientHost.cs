using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Client.Tests;

/// <summary>An application with <c>AddCacheClient("cache")</c> (and whatever else a test adds) whose clients talk to <see cref="FakeNodes"/>.</summary>
internal sealed class ClientHost : IDisposable
{
    public const string Secret = "the-admin-secret";

    private ClientHost(IHost host, FakeNodes nodes)
    {
        Host = host;
        Nodes = nodes;
    }

    public IHost Host { get; }

    public FakeNodes Nodes { get; }

    public ICacheClient Client => Host.Services.GetRequiredService<ICacheClient>();

    public IServiceProvider Services => Host.Services;

    /// <summary>
    /// Builds the application. Timeouts are short by default: a silent fake member stays silent, so they
    /// decide how long a test takes, never what it sees.
    /// </summary>
    public static ClientHost Create(
        Action<CacheClientSettings>? configure = null,
        Dictionary<string, string?>? configuration = null,
        TimeProvider? time = null,
        Action<CacheClientBuilder>? then = null,
        Action<HostApplicationBuilder>? alsoAdd = null)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = FakeNodes.ConnectionString,
            ["AspireCache:Client:cache:AdminSecret"] = Secret,
            ["AspireCache:Client:cache:RequestTimeout"] = "00:00:00.050",
            ["AspireCache:Client:cache:ProbeTimeout"] = "00:00:00.050",
        });
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        CacheClientBuilder client = builder.AddCacheClient("cache", configure);
        then?.Invoke(client);
        alsoAdd?.Invoke(builder);
        var nodes = new FakeNodes();
        builder.Services.AddHttpClient("aspirecache-client").ConfigurePrimaryHttpMessageHandler(() => nodes);
        return new ClientHost(builder.Build(), nodes);
    }

    public static FakeTimeProvider FakeTime() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => Host.Dispose();
}
