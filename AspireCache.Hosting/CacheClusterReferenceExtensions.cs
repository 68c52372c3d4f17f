using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using AspireCache;

namespace Aspire.Hosting;

/// <summary>Gives a client project what <c>AddCacheClient</c> needs to reach a cache cluster.</summary>
public static class CacheClusterReferenceExtensions
{
    /// <summary>
    /// Gives <paramref name="builder"/> the cluster's connection string <c>ConnectionStrings__{cluster}</c>
    /// (the member names, comma-separated) and every member's address through service discovery
    /// (<c>services__{member}__http__0</c>), so that <c>builder.AddCacheClient("{cluster}")</c> can send each
    /// key straight to its owner, and the key hash secret (<c>AspireCache__Client__{cluster}__KeyHashSecret</c>),
    /// so that its spans carry the keys' hashes as the nodes' do, and each group's MaxValueBytes where WithGroup gave one
    /// (<c>AspireCache__Client__{cluster}__Groups__{group}__MaxValueBytes</c>), so that it reads values that large. With <paramref name="adminAccess"/> it also gets the admin secret, as
    /// <c>AspireCache__Client__{cluster}__AdminSecret</c>, which lets it write, remove and clear.
    /// </summary>
    /// <remarks>
    /// Aspire's own <c>WithReference</c> for connection strings works too, when the cluster is held as an
    /// <c>IResourceBuilder&lt;IResourceWithConnectionString&gt;</c>: it passes the connection string, and the
    /// cluster adds the members' addresses before the application starts. Only this overload passes the
    /// admin secret.
    /// </remarks>
    /// <typeparam name="TDestination">The kind of resource that calls the cache.</typeparam>
    /// <param name="builder">The client, e.g. a project that calls <c>AddCacheClient</c>.</param>
    /// <param name="cluster">The cluster.</param>
    /// <param name="adminAccess">Whether the client may write, remove and clear. Default false: reads only.</param>
    /// <returns>The client.</returns>
    /// <example>
    /// <code>
    /// var cache = builder.AddCacheCluster&lt;Projects.CacheService&gt;("cache", nodes: 3).WithGroup("demo", source: backend);
    /// builder.AddProject&lt;Projects.Storefront&gt;("storefront").WithReference(cache).WaitFor(cache);
    /// builder.AddProject&lt;Projects.Importer&gt;("importer").WithReference(cache, adminAccess: true);
    /// </code>
    /// </example>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<CacheClusterResource> cluster, bool adminAccess = false)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);

        builder.WithReference((IResourceBuilder<IResourceWithConnectionString>)cluster);
        ReferenceMembers(builder, cluster.Resource);
        if (adminAccess)
        {
            builder.WithEnvironment(
                CacheSettingNames.Client.EnvironmentVariable(cluster.Resource.Name, CacheSettingNames.Client.AdminSecret),
                builder.ApplicationBuilder.CreateResourceBuilder(cluster.Resource.AdminSecret));
        }

        return builder;
    }

    /// <summary>
    /// Before the start, gives every resource that references the cluster's connection string, however it
    /// did, the members' addresses as well: a client with the names but not the addresses reaches nobody.
    /// </summary>
    internal static void CompleteConnectionStringReferences(IResourceBuilder<CacheClusterResource> cluster) =>
        cluster.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>((started, _) =>
        {
            foreach (IResource resource in started.Model.Resources)
            {
                if (resource is IResourceWithEnvironment client && References(client, cluster.Resource))
                {
                    ReferenceMembers(cluster.ApplicationBuilder.CreateResourceBuilder(client), cluster.Resource);
                }
            }

            return Task.CompletedTask;
        });

    // The members' addresses, the key hash secret with which the client's spans carry the same key hash as the
    // nodes', and the largest value of each group that has its own, so that the client reads what the nodes send.
    private static void ReferenceMembers<TDestination>(IResourceBuilder<TDestination> builder, CacheClusterResource cluster)
        where TDestination : IResourceWithEnvironment
    {
        builder.WithEnvironment(
            CacheSettingNames.Client.EnvironmentVariable(cluster.Name, CacheSettingNames.Client.KeyHashSecret),
            builder.ApplicationBuilder.CreateResourceBuilder(cluster.KeyHashSecret));

        // Read when the client starts, so that groups declared after WithReference count too.
        builder.WithEnvironment(context =>
        {
            foreach ((string group, int limit) in cluster.GroupMaxValueBytes)
            {
                string key = string.Join("__", CacheSettingNames.Client.Groups, group, CacheSettingNames.Client.MaxValueBytes);
                context.EnvironmentVariables[CacheSettingNames.Client.EnvironmentVariable(cluster.Name, key)] = limit.ToString(CultureInfo.InvariantCulture);
            }
        });

        foreach (ProjectResource node in cluster.Nodes)
        {
            if (!References(builder.Resource, node))
            {
                builder.WithReference(builder.ApplicationBuilder.CreateResourceBuilder(node));
            }
        }
    }

    private static bool References(IResource resource, IResource target)
    {
        foreach (ResourceRelationshipAnnotation relationship in resource.Annotations.OfType<ResourceRelationshipAnnotation>())
        {
            if (relationship.Type == "Reference" && ReferenceEquals(relationship.Resource, target))
            {
                return true;
            }
        }

        return false;
    }
}
