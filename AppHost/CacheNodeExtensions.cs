namespace Aspire.Hosting;

/// <summary>This repository's ready-made cache cluster: nodes run from the CacheNode project.</summary>
public static class CacheNodeExtensions
{
    /// <summary>
    /// Adds a cluster of <paramref name="nodes"/> CacheNode projects named <c>{name}-0</c>, <c>{name}-1</c>, …:
    /// <see cref="CacheClusterBuilderExtensions.AddCacheCluster{TProject}(IDistributedApplicationBuilder, string, int)"/>
    /// with <c>Projects.CacheNode</c>, which exists only in this AppHost.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The cluster's name.</param>
    /// <param name="nodes">How many nodes; at least 1. Default 3.</param>
    /// <returns>The cluster.</returns>
    /// <example>
    /// <code>
    /// builder.AddCacheCluster("cache", nodes: 3).WithGroup("demo", source: backend, path: "/data/{key}");
    /// </code>
    /// </example>
    public static IResourceBuilder<CacheClusterResource> AddCacheCluster(this IDistributedApplicationBuilder builder, [ResourceName] string name, int nodes = 3)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        return builder.AddCacheCluster<Projects.CacheNode>(name, nodes);
    }
}
