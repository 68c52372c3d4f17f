using AspireCache.AspNetCore;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AspireCache in an application: its validated options, its HTTP clients and its groups.</summary>
public static class AspireCacheServiceCollectionExtensions
{
    /// <summary>
    /// Makes this application a cache node: options bound from the <c>Cache</c> section and validated at
    /// start, the peer and source HTTP clients, peer health and probing. Map the endpoints with
    /// <c>app.MapAspireCache()</c>; add groups whose source is code with <c>AddGroup</c> on the result.
    /// </summary>
    /// <remarks>
    /// Members and HTTP sources are reached by service-discovery name (<c>http://cache-1</c>): this method
    /// registers service discovery and gives the node's own HTTP clients its resolving handler, unless the
    /// application's defaults (Aspire's service defaults) already give every client one. Calling it again
    /// adds nothing but <paramref name="configure"/>.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Changes the options after they are bound from configuration; optional.</param>
    /// <returns>A builder that adds groups whose source is given in code.</returns>
    public static IAspireCacheBuilder AddAspireCache(this IServiceCollection services, Action<CacheNodeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new AspireCacheBuilder(services);
        if (configure is not null)
        {
            // After every binding, whenever it was registered: the code's word is the last.
            services.PostConfigure(configure);
        }

        if (services.Any(service => service.ServiceType == typeof(LocalNode)))
        {
            return builder;
        }

        services.AddOptions<CacheNodeOptions>()
            .BindConfiguration(CacheNodeOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CacheNodeOptions>, CacheNodeOptionsValidator>();

        // Neither client retries: a failed peer fetch is answered by loading locally, and a failed
        // load must reach every waiting caller once, not be multiplied against a failing source.
        // RemoveAllResilienceHandlers is marked experimental; it is the supported way to undo the
        // handler that the service defaults add to every client.
#pragma warning disable EXTEXP0001
        // Nor do they log each request: the factory's logging handlers open a log scope per request
        // (a cost on the peer path that profiling showed), and the node logs the failures that matter.
        services.AddHttpClient(PeerProtocol.PeerClientName)
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers()
            .AddHttpMessageHandler(services => new PeerRequestHeaders(services.GetRequiredService<NodeSecrets>(), services.GetRequiredService<Membership>()))
            .ResolveServiceNamesOnce()
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan); // Each fetch has PeerTimeout, for headers and body alike.
        services.AddHttpClient(PeerProber.ClientName)
            .RemoveAllResilienceHandlers()
            .ResolveServiceNamesOnce()
            .ConfigureHttpClient((services, client) =>
                client.Timeout = services.GetRequiredService<IOptions<CacheNodeOptions>>().Value.ProbeTimeout);
        services.AddHttpClient(PeerProtocol.SourceClientName)
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers()
            .ResolveServiceNamesOnce()
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan); // Each group's LoadTimeout applies.
#pragma warning restore EXTEXP0001

        // Kestrel's default 8 KiB request line would answer a long key with a bare 414; with room for
        // keys far beyond any group's limit, the node itself rejects them with a 400 that says why.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestLineSize = 64 * 1024);

        services.AddSingleton<LocalNode>();
        services.AddSingleton<Membership>();
        services.TryAddSingleton<IMembershipSource>(services =>
            services.GetRequiredService<IOptions<CacheNodeOptions>>().Value.MembersDnsName.Length > 0
                ? new DnsMembershipSource(services.GetRequiredService<IOptions<CacheNodeOptions>>())
                : new StaticMembershipSource(services.GetRequiredService<IOptions<CacheNodeOptions>>()));
        services.AddHostedService<MembershipRefresher>();
        services.AddSingleton<MissedChanges>();
        services.AddHostedService<PeerProber>();
        services.AddSingleton<PeerFaults>();
        services.AddSingleton<SecretRefusalLog>();
        services.AddSingleton<NonMemberStatusLog>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NodeSecrets>();
        services.AddProblemDetails();
        services.AddServiceDiscovery();
        return builder;
    }
}
