namespace AspireCache.AspNetCore;

/// <summary>Makes an HttpClient of the node resolve members' and sources' names (<c>http://cache-1</c>) through service discovery.</summary>
internal static class ServiceNameResolution
{
    /// <summary>
    /// Adds service discovery's resolving handler, and drops it again when the application's defaults
    /// (Aspire's service defaults) already gave the client one: an application without them needs it for
    /// the node to reach anyone, and one with them must not resolve each peer request twice.
    /// </summary>
    public static IHttpClientBuilder ResolveServiceNamesOnce(this IHttpClientBuilder builder) =>
        builder.AddServiceDiscovery().ConfigureAdditionalHttpMessageHandlers((handlers, _) =>
        {
            // The defaults' handlers come first and the one added above last (the resolving handler's
            // type is internal to service discovery, so it is recognised by being the same type).
            Type resolving = handlers[^1].GetType();
            for (int i = 0; i < handlers.Count - 1; i++)
            {
                if (handlers[i].GetType() == resolving)
                {
                    handlers.RemoveAt(handlers.Count - 1);
                    return;
                }
            }
        });
}
