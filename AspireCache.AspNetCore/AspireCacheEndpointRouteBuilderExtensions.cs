using AspireCache.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps AspireCache's HTTP API into an application.</summary>
public static class AspireCacheEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the client API (<c>/cache</c>, <c>/_admin</c>), the peer API (<c>/_peer</c>, <c>/_peer-admin</c>)
    /// and <c>/cluster</c>. Call <c>services.AddAspireCache()</c> first.
    /// </summary>
    public static WebApplication MapAspireCache(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Built now rather than at the first request: the groups' metrics exist (at zero) from the first
        // scrape, so Prometheus sees every counter start, and bad settings fail the start, not a request.
        app.Services.GetRequiredService<LocalNode>();
        app.MapCacheEndpoints();
        app.MapPeerStatusEndpoints();
        PeerFaults.Map(app);
        return app;
    }
}
