namespace AspireCache.AspNetCore;

/// <summary>Where a group registered in code gets the values it does not hold: a loader, or nothing.</summary>
/// <remarks>
/// A group configured with <c>Cache:Groups:{name}:SourceService</c> loads over HTTP instead; a group
/// configured with <c>Cache:Groups:{name}:NoSource=true</c> is the same as <see cref="None"/>.
/// </remarks>
public sealed class CacheGroupSource
{
    private readonly Func<IServiceProvider, CacheLoader>? _create;

    private CacheGroupSource(Func<IServiceProvider, CacheLoader>? create) => _create = create;

    /// <summary>
    /// No source: the group holds only the values written to it (<c>PUT /cache/{group}/{key}</c>), and a
    /// get of any other key answers "no such key" (404), as a distributed cache's tier does.
    /// </summary>
    public static CacheGroupSource None { get; } = new(null);

    /// <summary>The loader, called on the key's owner when no node holds the key; null for <see cref="None"/>.</summary>
    internal CacheLoader? LoaderFor(IServiceProvider services) => _create?.Invoke(services);

    /// <summary>A source that is a delegate of the application (groupcache's getter).</summary>
    /// <param name="loader">Loads a key's value; throws <see cref="CacheKeyNotFoundException"/> when the key does not exist.</param>
    public static CacheGroupSource FromLoader(CacheLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return new CacheGroupSource(_ => loader);
    }

    /// <summary>
    /// A source made from the application's services when the node starts: for a loader that needs them,
    /// such as a database context (create a scope per load for a scoped service).
    /// </summary>
    /// <param name="createLoader">Makes the loader from the application's root services; called once.</param>
    /// <example>
    /// <code>
    /// CacheGroupSource.FromServices(services => async (key, cancellationToken) =>
    /// {
    ///     await using AsyncServiceScope scope = services.CreateAsyncScope();
    ///     return await scope.ServiceProvider.GetRequiredService&lt;PriceList&gt;().LoadAsync(key, cancellationToken);
    /// });
    /// </code>
    /// </example>
    public static CacheGroupSource FromServices(Func<IServiceProvider, CacheLoader> createLoader)
    {
        ArgumentNullException.ThrowIfNull(createLoader);
        return new CacheGroupSource(createLoader);
    }
}
