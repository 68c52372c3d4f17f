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
    /// Members without an address are resolved through service discovery, which is registered here when
    /// the application has not done so. The client's HttpClient has no resilience handler: its own single
    /// retry, on another member and only when one does not answer, replaces the standard one, whose retries
    /// would multiply the load on a failing data source.
    /// </remarks>
    public static CacheClientBuilder AddCacheClient(this IHostApplicationBuilder builder, string connectionName, Action<CacheClientSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
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
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan); // Each attempt has its own deadlines.
#pragma warning restore EXTEXP0001

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CacheClientMetrics>();
        services.AddSingleton<ICacheClient>(provider => new CacheClient(
            provider.GetRequiredService<IOptionsMonitor<CacheClientSettings>>().Get(connectionName),
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetService<ServiceEndpointResolver>(),
            provider.GetRequiredService<CacheClientMetrics>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<CacheClient>>()));
        return new CacheClientBuilder(services, connectionName);
    }
}
