using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using AspireCache;

namespace Aspire.Hosting;

/// <summary>Adds cache groups, each with the service it loads from, to every node of a cache cluster.</summary>
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
    /// <returns>The cluster.</returns>
    /// <example>
    /// <code>
    /// var backend = builder.AddProject&lt;Projects.DemoBackend&gt;("demobackend");
    /// builder.AddCacheCluster("cache", nodes: 3)
    ///     .WithGroup("demo", source: backend, path: "/data/{key}", capacityBytes: 128 &lt;&lt; 20, timeToLive: TimeSpan.FromMinutes(1), refreshAhead: 0.2);
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
        TimeSpan? staleIfError = null)
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
        if (capacityBytes is long capacity)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity, nameof(capacityBytes));
            settings.Add((CacheSettingNames.Group.CapacityBytes, capacity.ToString(CultureInfo.InvariantCulture)));
        }

        AddPositive(settings, CacheSettingNames.Group.LoadTimeout, loadTimeout, nameof(loadTimeout));
        AddPositive(settings, CacheSettingNames.Group.TimeToLive, timeToLive, nameof(timeToLive));
        if (refreshAhead is double share)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(share, nameof(refreshAhead));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(share, 1, nameof(refreshAhead));
            settings.Add((CacheSettingNames.Group.RefreshAhead, share.ToString(CultureInfo.InvariantCulture)));
        }

        if (staleIfError is TimeSpan stale)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(stale, TimeSpan.Zero, nameof(staleIfError));
            settings.Add((CacheSettingNames.Group.StaleIfError, stale.ToString("c", CultureInfo.InvariantCulture)));
        }

        foreach (ProjectResource resource in cluster.Resource.Nodes)
        {
            IResourceBuilder<ProjectResource> node = cluster.ApplicationBuilder.CreateResourceBuilder(resource)
                .WithReference(source)
                .WaitFor(source);
            foreach ((string key, string value) in settings)
            {
                node.WithEnvironment(CacheSettingNames.EnvironmentVariable(CacheSettingNames.Groups, group, key), value);
            }
        }

        return cluster;
    }

    private static void AddPositive(List<(string Key, string Value)> settings, string key, TimeSpan? value, string parameterName)
    {
        if (value is TimeSpan span)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(span, TimeSpan.Zero, parameterName);
            settings.Add((key, span.ToString("c", CultureInfo.InvariantCulture)));
        }
    }
}
