using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>Adds an AspireCache cluster to an Aspire application: one CacheNode project resource per node, wired to each other.</summary>
public static class CacheClusterExtensions
{
    /// <summary>The endpoint every node serves clients and peers on.</summary>
    public const string EndpointName = "http";

    /// <summary>
    /// Adds <paramref name="nodes"/> cache nodes named <c>{name}-0</c>, <c>{name}-1</c>, … Each node is told
    /// its own name and the members' names, and references every member (itself included), so peer
    /// addresses arrive through service discovery.
    /// </summary>
    /// <example>
    /// <code>
    /// var backend = builder.AddProject&lt;Projects.DemoBackend&gt;("demobackend");
    /// builder.AddCacheCluster("cache", nodes: 3).WithGroup("demo", backend, "/data/{key}");
    /// </code>
    /// </example>
    public static CacheCluster AddCacheCluster(this IDistributedApplicationBuilder builder, string name, int nodes = 3)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);

        string[] members = [.. Enumerable.Range(0, nodes).Select(i => $"{name}-{i}")];

        // Peers prove membership with a shared secret, generated afresh at every start of the AppHost
        // (all nodes start with it); set Parameters:{name}-peer-secret to choose one.
        IResourceBuilder<ParameterResource> peerSecret = builder.AddParameter(
            $"{name}-peer-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

        // Clients that write, remove or clear present this one; it is separate so that a client never
        // holds what makes a node. Generated the same way; set Parameters:{name}-admin-secret to choose it.
        IResourceBuilder<ParameterResource> adminSecret = builder.AddParameter(
            $"{name}-admin-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

        // Instances of one project share the port of its launch profile, and the orchestrator then
        // hands every instance the same proxied address, served by one of them. So each node does
        // without the launch profile and gets an endpoint of its own; the environment name, which the
        // profile would have set, is passed on explicitly.
        IResourceBuilder<ProjectResource>[] resources = [.. members.Select(member => builder
            .AddProject<Projects.CacheNode>(member, launchProfileName: null)
            .WithHttpEndpoint(name: EndpointName)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("Cache__NodeName", member)
            .WithEnvironment("Cache__PeerSecret", peerSecret)
            .WithEnvironment("Cache__AdminSecret", adminSecret)
            .WithHttpHealthCheck("/health"))];

        foreach (IResourceBuilder<ProjectResource> node in resources)
        {
            for (int i = 0; i < members.Length; i++)
            {
                node.WithEnvironment($"Cache__Members__{i}", members[i]);

                // A deliberate self-reference: a node resolves every member, itself included, the same way.
                node.WithReference(resources[i]);
            }
        }

        // Fault injection, for failure tests only: never on unless the AppHost is told so.
        if (string.Equals(builder.Configuration["Faults:Enabled"], "true", StringComparison.OrdinalIgnoreCase))
        {
            foreach (IResourceBuilder<ProjectResource> node in resources)
            {
                node.WithEnvironment("Cache__Faults__Enabled", "true");
            }
        }

        return new CacheCluster(resources);
    }
}

/// <summary>The nodes of a cache cluster, for adding groups to all of them at once.</summary>
/// <param name="Nodes">The node resources, in member order.</param>
public sealed record CacheCluster(IReadOnlyList<IResourceBuilder<ProjectResource>> Nodes)
{
    /// <summary>
    /// Serves a group on every node, loaded from <paramref name="source"/> at <paramref name="path"/>
    /// (<c>{key}</c> is replaced by the encoded key). The nodes wait for the source to be healthy.
    /// </summary>
    /// <param name="group">The group's name.</param>
    /// <param name="source">The service that holds the data.</param>
    /// <param name="path">The path of a key at the source.</param>
    /// <param name="capacityBytes">Each node's capacity for the group; the node's default when null.</param>
    /// <param name="loadTimeout">How long a load may take; the node's default when null.</param>
    /// <param name="lifetimes">Expiry, refresh ahead and stale-if-error; off (the node's defaults) when null.</param>
    public CacheCluster WithGroup<TSource>(string group, IResourceBuilder<TSource> source, string path = "/data/{key}", long? capacityBytes = null, TimeSpan? loadTimeout = null, GroupLifetimes? lifetimes = null)
        where TSource : class, IResourceWithServiceDiscovery, IResourceWithWaitSupport
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(path);

        foreach (IResourceBuilder<ProjectResource> node in Nodes)
        {
            node.WithReference(source)
                .WaitFor(source)
                .WithEnvironment($"Cache__Groups__{group}__SourceService", source.Resource.Name)
                .WithEnvironment($"Cache__Groups__{group}__SourcePath", path);
            if (capacityBytes is long capacity)
            {
                node.WithEnvironment($"Cache__Groups__{group}__CapacityBytes", capacity.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (loadTimeout is TimeSpan timeout)
            {
                node.WithEnvironment($"Cache__Groups__{group}__LoadTimeout", timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (lifetimes is not null)
            {
                node.WithEnvironment($"Cache__Groups__{group}__TimeToLive", lifetimes.TimeToLive.ToString("c", System.Globalization.CultureInfo.InvariantCulture))
                    .WithEnvironment($"Cache__Groups__{group}__RefreshAhead", lifetimes.RefreshAhead.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .WithEnvironment($"Cache__Groups__{group}__StaleIfError", lifetimes.StaleIfError.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return this;
    }
}

/// <summary>How long a group's values live: see the node's <c>TimeToLive</c>, <c>RefreshAhead</c> and <c>StaleIfError</c> settings.</summary>
/// <param name="TimeToLive">How long a loaded value may be served.</param>
/// <param name="RefreshAhead">The last share of a lifetime in which a hit starts a background reload; 0 turns it off.</param>
/// <param name="StaleIfError">How long past its expiry a value may be served when its reload fails; zero turns it off.</param>
public sealed record GroupLifetimes(TimeSpan TimeToLive, double RefreshAhead, TimeSpan StaleIfError);
