using AspireCache.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps AspireCache's HTTP API into an application.</summary>
public static class AspireCacheEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the client API (<c>/cache</c>, <c>/_admin</c>), the peer API (<c>/_peer</c>, <c>/_peer-admin</c>)
    /// and <c>/cluster</c> at the root of the application's paths. Call <c>services.AddAspireCache()</c> first.
    /// </summary>
    /// <param name="endpoints">The application, or any other endpoint route builder.</param>
    /// <returns>The endpoints, for conventions that apply to all of them (a host, a rate limit, ...).</returns>
    public static IEndpointConventionBuilder MapAspireCache(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Built now rather than at the first request: the groups' metrics exist (at zero) from the first
        // scrape, so Prometheus sees every counter start, and bad settings fail the start, not a request.
        endpoints.ServiceProvider.GetRequiredService<LocalNode>();
        RouteGroupBuilder cache = endpoints.MapGroup(string.Empty);
        cache.MapCacheEndpoints();
        cache.MapPeerStatusEndpoints();
        PeerFaults.Map(cache);
        return cache;
    }
}
