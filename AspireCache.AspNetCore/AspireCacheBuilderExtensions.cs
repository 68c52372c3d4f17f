using AspireCache;
using AspireCache.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds groups whose source is given in code to an application's cache.</summary>
public static class AspireCacheBuilderExtensions
{
    /// <summary>
    /// Adds a group whose values come from <paramref name="loader"/>, called on the key's owner when no
    /// node holds the key; concurrent gets of one key share one call. Its limits (capacity, time to live,
    /// ...) come from <c>Cache:Groups:{name}</c> when that section exists, else the defaults.
    /// </summary>
    /// <param name="builder">The cache's builder.</param>
    /// <param name="name">The group's name, the same on every member of the cluster.</param>
    /// <param name="loader">Loads a key's value; throws <see cref="CacheKeyNotFoundException"/> when the key does not exist.</param>
    /// <returns>The builder, for more groups.</returns>
    public static IAspireCacheBuilder AddGroup(this IAspireCacheBuilder builder, string name, CacheLoader loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        return builder.AddGroup(name, CacheGroupSource.FromLoader(loader));
    }

    /// <summary>
    /// Adds a group with the given source, for example <see cref="CacheGroupSource.None"/> for a group
    /// that holds only written values. Its limits come from <c>Cache:Groups:{name}</c> when that section
    /// exists, else the defaults; that section must not name a source of its own.
    /// </summary>
    /// <param name="builder">The cache's builder.</param>
    /// <param name="name">The group's name, the same on every member of the cluster.</param>
    /// <param name="source">Where the group gets the values it does not hold.</param>
    /// <returns>The builder, for more groups.</returns>
    public static IAspireCacheBuilder AddGroup(this IAspireCacheBuilder builder, string name, CacheGroupSource source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(source);

        // Registered for the validator, which refuses a name given twice or a second source in configuration.
        builder.Services.AddSingleton(new CacheGroupRegistration(name, source));

        // A group given only in code still gets its settings, so that everything downstream sees one list.
        builder.Services.PostConfigure<CacheNodeOptions>(options => options.Groups.TryAdd(name, new CacheGroupSettings()));
        return builder;
    }
}
