using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using AspireCache;

namespace Aspire.Hosting;

/// <summary>Adds an AspireCache cluster to an Aspire application: one project resource per node, wired to each other.</summary>
public static class CacheClusterBuilderExtensions
{
    /// <summary>The endpoint every node serves clients and peers on.</summary>
    public const string EndpointName = "http";

    /// <summary>The path of a node's health endpoint, which the AppHost checks before the node counts as up.</summary>
    public const string HealthPath = "/health";

    /// <summary>
    /// Adds a cluster of <paramref name="nodes"/> cache nodes run from <typeparamref name="TProject"/>, named
    /// <c>{name}-0</c>, <c>{name}-1</c>, … and shown as children of the cluster. Each node is told its own
    /// name and every member's name, references every member (itself included) so that peer addresses arrive
    /// through service discovery, and gets the cluster's peer, admin and key hash secrets. The project must serve the
    /// server library (<c>AddAspireCache</c>, <c>MapAspireCache</c>) and a health endpoint at <see cref="HealthPath"/>.
    /// </summary>
    /// <remarks>
    /// The secrets are parameters <c>{name}-peer-secret</c> and <c>{name}-admin-secret</c>, generated afresh
    /// at every start unless <c>Parameters:{name}-peer-secret</c> (or <c>-admin-secret</c>) sets one, and
    /// <c>{name}-key-hash-secret</c>, generated once and kept in the AppHost's user secrets so that keys keep
    /// their hashes in telemetry across runs. The number of nodes is fixed here, since each node is a resource of its own.
    /// </remarks>
    /// <typeparam name="TProject">The project that runs a node, e.g. a service of yours that embeds the cache.</typeparam>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The cluster's name; also its connection name for clients.</param>
    /// <param name="nodes">How many nodes; at least 1. Default 3.</param>
    /// <returns>The cluster, for <c>WithGroup</c> and for client projects' <c>WithReference</c>.</returns>
    /// <example>
    /// <code>
    /// var backend = builder.AddProject&lt;Projects.Catalog&gt;("catalog");
    /// var cache = builder.AddCacheCluster&lt;Projects.CatalogCache&gt;("cache", nodes: 3)
    ///     .WithGroup("products", source: backend, path: "/products/{key}", timeToLive: TimeSpan.FromMinutes(5));
    /// builder.AddProject&lt;Projects.Storefront&gt;("storefront").WithReference(cache);
    /// </code>
    /// </example>
    public static IResourceBuilder<CacheClusterResource> AddCacheCluster<TProject>(this IDistributedApplicationBuilder builder, [ResourceName] string name, int nodes = 3)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);

        // Peers prove membership with a shared secret, generated afresh at every start of the AppHost
        // (all nodes start with it); set Parameters:{name}-peer-secret to choose one.
        IResourceBuilder<ParameterResource> peerSecret = builder.AddParameter(
            $"{name}-peer-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

        // Clients that write, remove or clear present this one; it is separate so that a client never
        // holds what makes a node. Generated the same way; set Parameters:{name}-admin-secret to choose it.
        IResourceBuilder<ParameterResource> adminSecret = builder.AddParameter(
            $"{name}-admin-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

        // Telemetry shows keys as their hash under this one (HMAC): it must stay the same across runs, so that
        // a key's hash in yesterday's traces is today's, hence persisted in the AppHost's user secrets.
        IResourceBuilder<ParameterResource> keyHashSecret = builder.AddParameter(
            $"{name}-key-hash-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

        var resource = new CacheClusterResource(name, peerSecret.Resource, adminSecret.Resource, keyHashSecret.Resource);
        IResourceBuilder<CacheClusterResource> cluster = builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "CacheCluster", State = KnownResourceStates.NotStarted, Properties = [] })
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(resource);
            });

        // Instances of one project share the port of its launch profile, and the orchestrator then
        // hands every instance the same proxied address, served by one of them. So each node does
        // without the launch profile and gets an endpoint of its own; the environment name, which the
        // profile would have set, is passed on explicitly.
        var members = new IResourceBuilder<ProjectResource>[nodes];
        for (int i = 0; i < nodes; i++)
        {
            string member = $"{name}-{i}";
            members[i] = builder.AddProject<TProject>(member, launchProfileName: null)
                .WithHttpEndpoint(name: EndpointName)
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
                .WithEnvironment(CacheSettingNames.EnvironmentVariable(CacheSettingNames.NodeName), member)
                .WithEnvironment(CacheSettingNames.EnvironmentVariable(CacheSettingNames.PeerSecret), peerSecret)
                .WithEnvironment(CacheSettingNames.EnvironmentVariable(CacheSettingNames.AdminSecret), adminSecret)
                .WithEnvironment(CacheSettingNames.EnvironmentVariable(CacheSettingNames.KeyHashSecret), keyHashSecret)
                .WithHttpHealthCheck(HealthPath)
                .WithParentRelationship(cluster);
            resource.AddNode(members[i].Resource);
        }

        foreach (IResourceBuilder<ProjectResource> node in members)
        {
            for (int i = 0; i < members.Length; i++)
            {
                node.WithEnvironment(CacheSettingNames.EnvironmentVariable(CacheSettingNames.Members, i.ToString(CultureInfo.InvariantCulture)), members[i].Resource.Name);

                // A deliberate self-reference: a node resolves every member, itself included, the same way.
                node.WithReference(members[i]);
            }
        }

        CacheClusterState.Report(cluster);
        CacheClusterCommands.Add(cluster);
        CacheClusterReferenceExtensions.CompleteConnectionStringReferences(cluster);
        return cluster;
    }

    /// <summary>
    /// For failure tests only: turns on the nodes' fault injection (<c>Cache:Faults:Enabled</c>), which opens
    /// fault endpoints (<c>/_faults/…</c>) on every node through which a caller can make the node delay its
    /// answers to peers and refuse their changes. The endpoints take the peer secret; they exist to break the
    /// cluster on purpose, so never call this in an application that serves real callers.
    /// </summary>
    /// <remarks>Off unless this is called; the nodes then serve no fault endpoints at all.</remarks>
    /// <param name="cluster">The cluster.</param>
    /// <returns>The cluster.</returns>
    /// <example>
    /// <code>
    /// builder.AddCacheCluster&lt;Projects.CacheNode&gt;("cache").WithFaultInjection();
    /// </code>
    /// </example>
    public static IResourceBuilder<CacheClusterResource> WithFaultInjection(this IResourceBuilder<CacheClusterResource> cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);

        foreach (ProjectResource node in cluster.Resource.Nodes)
        {
            cluster.ApplicationBuilder.CreateResourceBuilder(node)
                .WithEnvironment(CacheSettingNames.EnvironmentVariable(CacheSettingNames.FaultsEnabled), "true");
        }

        return cluster;
    }
}
