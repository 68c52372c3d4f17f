using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AspireCache.Node;

/// <summary>Registers a cache node: its validated options, its HTTP clients and its groups.</summary>
internal static class CacheNodeServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddCacheNode(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CacheNodeOptions>()
            .BindConfiguration(CacheNodeOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CacheNodeOptions>, CacheNodeOptionsValidator>();

        // Neither client retries: a failed peer fetch is answered by loading locally, and a failed
        // load must reach every waiting caller once, not be multiplied against a failing source.
        // RemoveAllResilienceHandlers is marked experimental; it is the supported way to undo the
        // handler that the service defaults add to every client.
#pragma warning disable EXTEXP0001
        // Nor do they log each request: the factory's logging handlers open a log scope per request
        // (a cost on the peer path that profiling showed), and the node logs the failures that matter.
        builder.Services.AddHttpClient(PeerProtocol.PeerClientName)
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers()
            .ConfigureHttpClient((services, client) =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // Each fetch has PeerTimeout, for headers and body alike.
                client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", services.GetRequiredService<NodeSecrets>().Peer.HeaderValue);
            });
        builder.Services.AddHttpClient(PeerProber.ClientName)
            .RemoveAllResilienceHandlers()
            .ConfigureHttpClient((services, client) =>
                client.Timeout = services.GetRequiredService<IOptions<CacheNodeOptions>>().Value.ProbeTimeout);
        builder.Services.AddHttpClient(PeerProtocol.SourceClientName)
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers()
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan); // Each group's LoadTimeout applies.
#pragma warning restore EXTEXP0001

        // Kestrel's default 8 KiB request line would answer a long key with a bare 414; with room for
        // keys far beyond any group's limit, the node itself rejects them with a 400 that says why.
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestLineSize = 64 * 1024);

        builder.Services.AddSingleton<LocalNode>();
        builder.Services.AddSingleton<MissedChanges>();
        builder.Services.AddHostedService<PeerProber>();
        builder.Services.AddSingleton<PeerFaults>();
        builder.Services.AddSingleton<SecretRefusalLog>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NodeSecrets>();
        builder.Services.AddProblemDetails();
        return builder;
    }
}
