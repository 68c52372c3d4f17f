using AspireCache;
using AspireCache.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers an AspireCache client in an application, the way Aspire's client integrations do.</summary>
public static class CacheClientHostingExtensions
{
    /// <summary>
    /// Registers an <see cref="ICacheClient"/> for the cluster named <paramref name="connectionName"/>: its
    /// members from <c>ConnectionStrings:{connectionName}</c> (which <c>WithReference(cluster)</c> sets under
    /// Aspire), its settings from <c>AspireCache:Client</c> and then <c>AspireCache:Client:{connectionName}</c>,
    /// validated when the application starts.
    /// </summary>
    /// <param name="builder">The application's builder.</param>
    /// <param name="connectionName">The connection's name, e.g. <c>cache</c>.</param>
    /// <param name="configureSettings">Changes the settings after configuration has been read.</param>
    /// <returns>A builder for what builds on the client, such as an <c>IDistributedCache</c>.</returns>
    /// <remarks>
    /// <para>
    /// The client is registered keyed by <paramref name="connectionName"/> and, unless an unkeyed
    /// <see cref="ICacheClient"/> is registered already (by an earlier call for another cluster), unkeyed as
    /// well: a second cluster does not take the first one's place. Use <see cref="AddKeyedCacheClient"/> for
    /// a cluster that should only be reachable by its key.
    /// </para>
    /// <para>
    /// Members without an address are resolved through service discovery, which is registered here when
    /// the application has not done so. The client's HttpClient has no resilience handler: its own single
    /// retry, on another member and only when one does not answer, replaces the standard one, whose retries
    /// would multiply the load on a failing data source.
    /// </para>
    /// </remarks>
    public static CacheClientBuilder AddCacheClient(this IHostApplicationBuilder builder, string connectionName, Action<CacheClientSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        CacheClientBuilder client = AddClient(builder, connectionName, configureSettings);
        builder.Services.TryAddSingleton<ICacheClient>(provider => provider.GetRequiredKeyedService<ICacheClient>(connectionName));
        return client;
    }

    /// <summary>
    /// Registers an <see cref="ICacheClient"/> for the cluster named <paramref name="name"/>, keyed by that
    /// name only (resolve it with <c>[FromKeyedServices("name")]</c> or <c>GetRequiredKeyedService</c>), for an
    /// application that talks to several clusters. Members and settings are read as by <see cref="AddCacheClient"/>.
    /// </summary>
    /// <param name="builder">The application's builder.</param>
    /// <param name="name">The connection's name, which is also the service key.</param>
    /// <param name="configureSettings">Changes the settings after configuration has been read.</param>
    /// <returns>A builder for what builds on this client, such as an <c>IDistributedCache</c> over one of its groups.</returns>
    public static CacheClientBuilder AddKeyedCacheClient(this IHostApplicationBuilder builder, string name, Action<CacheClientSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return AddClient(builder, name, configureSettings);
    }

    private static CacheClientBuilder AddClient(IHostApplicationBuilder builder, string connectionName, Action<CacheClientSettings>? configureSettings)
    {
        IServiceCollection services = builder.Services;
        services.AddOptions<CacheClientSettings>(connectionName)
            .Bind(builder.Configuration.GetSection(CacheSettingNames.Client.Section))
            .Bind(builder.Configuration.GetSection($"{CacheSettingNames.Client.Section}:{connectionName}"))
            .Configure(settings =>
            {
                if (builder.Configuration.GetConnectionString(connectionName) is { } members)
                {
                    settings.ConnectionString = members;
                }

                configureSettings?.Invoke(settings);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CacheClientSettings>>(new CacheClientSettingsValidator(connectionName));

        // What every connection shares is registered with the first.
        if (!services.Any(d => d.ServiceType == typeof(CacheClientMetrics)))
        {
            AddShared(services);
        }

        services.AddKeyedSingleton<ICacheClient>(connectionName, (provider, _) => new CacheClient(
            provider.GetRequiredService<IOptionsMonitor<CacheClientSettings>>().Get(connectionName),
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetService<ServiceEndpointResolver>(),
            provider.GetRequiredService<CacheClientMetrics>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<CacheClient>>()));
        return new CacheClientBuilder(services, connectionName);
    }

    private static void AddShared(IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(ServiceEndpointResolver)))
        {
            services.AddServiceDiscovery();
        }

        // RemoveAllResilienceHandlers is marked experimental; it is the supported way to undo the
        // handler that service defaults add to every client. Loggers go too: the client logs the
        // failures that matter, and a log scope per request costs on every get.
#pragma warning disable EXTEXP0001
        services.AddHttpClient(CacheClient.HttpClientName)
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers()
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan) // Each attempt has its own deadlines.

            // An answer not read to its end (one over MaxValueBytes, a problem too large to be ours) closes its
            // connection instead of being drained into the next request's: what a node or proxy sent in excess is never read.
            .UseSocketsHttpHandler((handler, _) => handler.MaxResponseDrainSize = 0);
#pragma warning restore EXTEXP0001

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CacheClientMetrics>();
    }
}
