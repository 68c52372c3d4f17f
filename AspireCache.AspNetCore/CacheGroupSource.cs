namespace AspireCache.AspNetCore;

/// <summary>Where a group registered in code gets the values it does not hold: a loader, or nothing.</summary>
/// <remarks>
/// A group configured with <c>Cache:Groups:{name}:SourceService</c> loads over HTTP instead; a group
/// configured with <c>Cache:Groups:{name}:NoSource=true</c> is the same as <see cref="None"/>.
/// </remarks>
public sealed class CacheGroupSource
{
    private CacheGroupSource(CacheLoader? loader) => Loader = loader;

    /// <summary>
    /// No source: the group holds only the values written to it (<c>PUT /cache/{group}/{key}</c>), and a
    /// get of any other key answers "no such key" (404), as a distributed cache's tier does.
    /// </summary>
    public static CacheGroupSource None { get; } = new(null);

    /// <summary>The loader, called on the key's owner when no node holds the key; null for <see cref="None"/>.</summary>
    internal CacheLoader? Loader { get; }

    /// <summary>A source that is a delegate of the application (groupcache's getter).</summary>
    /// <param name="loader">Loads a key's value; throws <see cref="CacheKeyNotFoundException"/> when the key does not exist.</param>
    public static CacheGroupSource FromLoader(CacheLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return new CacheGroupSource(loader);
    }
}
