using Aspire.Hosting.ApplicationModel;
using AspireCache;

namespace Aspire.Hosting;

/// <summary>
/// Adds cache groups to every node of a cache cluster: loaded from a service of the application, loaded by
/// the node project's own code, or without a source.
/// </summary>
// RS0026: the group's limits are optional parameters of the one call that declares it, as Aspire's own
// integrations take theirs; overload resolution between these methods never depends on which are given.
#pragma warning disable RS0026
public static class CacheGroupBuilderExtensions
{
    /// <summary>
    /// Serves a group on every node of the cluster, loaded from <paramref name="source"/> at
    /// <paramref name="path"/> (<c>{key}</c> is replaced by the percent-encoded key). The nodes reference the
    /// source and wait for it to be healthy. A setting left null keeps the node's default.
    /// </summary>
    /// <typeparam name="TSource">The kind of resource that holds the data.</typeparam>
    /// <param name="cluster">The cluster.</param>
    /// <param name="group">The group's name, as clients name it in <c>/cache/{group}/{key}</c>.</param>
    /// <param name="source">The service that holds the data.</param>
    /// <param name="path">The path of a key at the source; starts with <c>/</c> and contains <c>{key}</c>. Default <c>/data/{key}</c>.</param>
    /// <param name="capacityBytes">Each node's capacity for the group, in bytes (the node's default is 64 MiB).</param>
    /// <param name="loadTimeout">How long a load from the source may take (the node's default is 10 s).</param>
    /// <param name="timeToLive">How long a loaded value may be served (by default values live until evicted).</param>
    /// <param name="refreshAhead">The last share of a lifetime, 0 to less than 1, in which a hit starts a background reload (off by default).</param>
    /// <param name="staleIfError">How long past its expiry a value may be served when its reload fails (off by default).</param>
    /// <param name="maxValueBytes">The largest value the group accepts, in bytes (the node's default is 1 MiB); clients that reference the cluster read answers up to it.</param>
    /// <returns>The cluster.</returns>
    /// <example>
    /// <code>
    /// var backend = builder.AddProject&lt;Projects.Catalog&gt;("catalog");
    /// builder.AddCacheCluster&lt;Projects.CatalogCache&gt;("cache", nodes: 3)
    ///     .WithGroup("products", source: backend, path: "/products/{key}", capacityBytes: 128 &lt;&lt; 20, timeToLive: TimeSpan.FromMinutes(1), refreshAhead: 0.2);
    /// </code>
    /// </example>
    public static IResourceBuilder<CacheClusterResource> WithGroup<TSource>(
        this IResourceBuilder<CacheClusterResource> cluster,
        string group,
        IResourceBuilder<TSource> source,
        string path = "/data/{key}",
        long? capacityBytes = null,
        TimeSpan? loadTimeout = null,
        TimeSpan? timeToLive = null,
        double? refreshAhead = null,
        TimeSpan? staleIfError = null,
        int? maxValueBytes = null)
        where TSource : class, IResourceWithServiceDiscovery, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith('/') || !path.Contains("{key}", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The path must start with '/' and contain '{{key}}'; it is '{path}'.", nameof(path));
        }

        var settings = new List<(string Key, string Value)>
        {
            (CacheSettingNames.Group.SourceService, source.Resource.Name),
            (CacheSettingNames.Group.SourcePath, path),
        };
        CacheGroupLimits.Add(settings, capacityBytes, loadTimeout, timeToLive, refreshAhead, staleIfError, maxValueBytes);

        foreach (ProjectResource resource in cluster.Resource.Nodes)
        {
            cluster.ApplicationBuilder.CreateResourceBuilder(resource)
                .WithReference(source)
                .WaitFor(source);
        }

        return WithSettings(cluster, group, settings, maxValueBytes);
    }

    /// <summary>
    /// Sets the limits of a group whose source the node project adds in code
    /// (<c>AddAspireCache().AddGroup("{group}", loader)</c>), on every node of the cluster. A setting left null
    /// keeps the node's default; with none given this adds nothing. The project must add the group: a node
    /// refuses to start with limits for a group that has no source.
    /// </summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="group">The group's name, as the project adds it and as clients name it in <c>/cache/{group}/{key}</c>.</param>
    /// <param name="capacityBytes">Each node's capacity for the group, in bytes (the node's default is 64 MiB).</param>
    /// <param name="loadTimeout">How long a load may take (the node's default is 10 s).</param>
    /// <param name="timeToLive">How long a loaded value may be served (by default values live until evicted).</param>
    /// <param name="refreshAhead">The last share of a lifetime, 0 to less than 1, in which a hit starts a background reload (off by default).</param>
    /// <param name="staleIfError">How long past its expiry a value may be served when its reload fails (off by default).</param>
    /// <param name="maxValueBytes">The largest value the group accepts, in bytes (the node's default is 1 MiB); clients that reference the cluster read answers up to it.</param>
    /// <returns>The cluster.</returns>
    /// <example>
    /// <code>
    /// // The project: builder.Services.AddAspireCache().AddGroup("prices", LoadPriceAsync);
    /// builder.AddCacheCluster&lt;Projects.PricingService&gt;("cache", nodes: 3)
    ///     .WithGroup("prices", capacityBytes: 32 &lt;&lt; 20, timeToLive: TimeSpan.FromSeconds(30));
    /// </code>
    /// </example>
    public static IResourceBuilder<CacheClusterResource> WithGroup(
        this IResourceBuilder<CacheClusterResource> cluster,
        string group,
        long? capacityBytes = null,
        TimeSpan? loadTimeout = null,
        TimeSpan? timeToLive = null,
        double? refreshAhead = null,
        TimeSpan? staleIfError = null,
        int? maxValueBytes = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentException.ThrowIfNullOrEmpty(group);

        var settings = new List<(string Key, string Value)>();
        CacheGroupLimits.Add(settings, capacityBytes, loadTimeout, timeToLive, refreshAhead, staleIfError, maxValueBytes);
        return WithSettings(cluster, group, settings, maxValueBytes);
    }

    /// <summary>
    /// Serves a group without a source on every node of the cluster (<c>Cache:Groups:{group}:NoSource=true</c>):
    /// it holds only the values clients write to it, and a get of any other key answers "no such key" (404).
    /// Clients that write need <c>WithReference(cluster, adminAccess: true)</c>. The node project must not add
    /// the group in code as well: a group has one source.
    /// </summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="group">The group's name, as clients name it in <c>/cache/{group}/{key}</c>.</param>
    /// <param name="capacityBytes">Each node's capacity for the group, in bytes (the node's default is 64 MiB).</param>
    /// <param name="timeToLive">How long a written value may be served (by default values live until evicted or removed).</param>
    /// <param name="maxValueBytes">The largest value the group accepts, in bytes (the node's default is 1 MiB); clients that reference the cluster read answers up to it.</param>
    /// <returns>The cluster.</returns>
    /// <example>
    /// <code>
    /// var cache = builder.AddCacheCluster&lt;Projects.CacheService&gt;("cache", nodes: 3)
    ///     .WithNoSourceGroup("sessions", capacityBytes: 256 &lt;&lt; 20, timeToLive: TimeSpan.FromMinutes(20));
    /// builder.AddProject&lt;Projects.Storefront&gt;("storefront").WithReference(cache, adminAccess: true);
    /// </code>
    /// </example>
    public static IResourceBuilder<CacheClusterResource> WithNoSourceGroup(
        this IResourceBuilder<CacheClusterResource> cluster,
        string group,
        long? capacityBytes = null,
        TimeSpan? timeToLive = null,
        int? maxValueBytes = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentException.ThrowIfNullOrEmpty(group);

        var settings = new List<(string Key, string Value)> { (CacheSettingNames.Group.NoSource, "true") };
        CacheGroupLimits.Add(settings, capacityBytes, loadTimeout: null, timeToLive, refreshAhead: null, staleIfError: null, maxValueBytes);
        return WithSettings(cluster, group, settings, maxValueBytes);
    }

    private static IResourceBuilder<CacheClusterResource> WithSettings(
        IResourceBuilder<CacheClusterResource> cluster, string group, List<(string Key, string Value)> settings, int? maxValueBytes)
    {
        CacheClusterCommands.GroupDeclared(cluster.Resource, group);
        if (maxValueBytes is int limit)
        {
            // Its clients must read values that large: WithReference passes it on.
            cluster.Resource.GroupMaxValueBytes[group] = limit;
        }

        foreach (ProjectResource resource in cluster.Resource.Nodes)
        {
            IResourceBuilder<ProjectResource> node = cluster.ApplicationBuilder.CreateResourceBuilder(resource);
            foreach ((string key, string value) in settings)
            {
                node.WithEnvironment(CacheSettingNames.EnvironmentVariable(CacheSettingNames.Groups, group, key), value);
            }
        }

        return cluster;
    }
}
#pragma warning restore RS0026
