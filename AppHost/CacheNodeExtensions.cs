namespace Aspire.Hosting;

/// <summary>This repository's ready-made cache cluster: nodes run from the CacheNode project.</summary>
public static class CacheNodeExtensions
{
    /// <summary>The port of <c>{name}-0</c>; node <c>i</c> listens on this plus <c>i</c> (5401, 5402, …), so that the README's commands work as written.</summary>
    public const int FirstNodePort = 5401;

    /// <summary>
    /// Adds a cluster of <paramref name="nodes"/> CacheNode projects named <c>{name}-0</c>, <c>{name}-1</c>, …
    /// on the ports from <see cref="FirstNodePort"/> up:
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

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<Projects.CacheNode>(name, nodes);
        for (int i = 0; i < cluster.Resource.Nodes.Count; i++)
        {
            int port = FirstNodePort + i;
            builder.CreateResourceBuilder(cluster.Resource.Nodes[i]).WithEndpoint(CacheClusterBuilderExtensions.EndpointName, endpoint => endpoint.Port = port);
        }

        return cluster;
    }
}
