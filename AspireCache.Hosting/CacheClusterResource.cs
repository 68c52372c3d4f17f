namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A ring of AspireCache nodes: one project resource per node, each a child of this resource. The
/// connection string is the member names, comma-separated (e.g. <c>cache-0,cache-1,cache-2</c>): the
/// ring hashes names, not addresses, and a client finds each member's address through service discovery.
/// </summary>
/// <remarks>Created by <see cref="CacheClusterBuilderExtensions.AddCacheCluster{TProject}(IDistributedApplicationBuilder, string, int)"/>.</remarks>
public sealed class CacheClusterResource : Resource, IResourceWithConnectionString
{
    private readonly List<ProjectResource> _nodes = [];

    internal CacheClusterResource(string name, ParameterResource peerSecret, ParameterResource adminSecret, ParameterResource keyHashSecret)
        : base(name)
    {
        PeerSecret = peerSecret;
        AdminSecret = adminSecret;
        KeyHashSecret = keyHashSecret;
        Nodes = _nodes.AsReadOnly();
    }

    /// <summary>The nodes, in member order: <c>{name}-0</c>, <c>{name}-1</c>, …; the set is fixed when the cluster is added.</summary>
    public IReadOnlyList<ProjectResource> Nodes { get; }

    /// <summary>The secret with which nodes prove to each other that they are members; clients never get it.</summary>
    public ParameterResource PeerSecret { get; }

    /// <summary>The secret a client presents to write, remove or clear; given to clients only on request.</summary>
    public ParameterResource AdminSecret { get; }

    /// <summary>The secret of the hash that telemetry shows instead of keys; nodes and every client that references the cluster get it.</summary>
    public ParameterResource KeyHashSecret { get; }

    /// <summary>The groups whose MaxValueBytes was given (WithGroup's <c>maxValueBytes</c>): what their clients must read.</summary>
    internal Dictionary<string, int> GroupMaxValueBytes { get; } = new(StringComparer.Ordinal);

    /// <summary>The member names, comma-separated, in member order.</summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var expression = new ReferenceExpressionBuilder();
            for (int i = 0; i < _nodes.Count; i++)
            {
                expression.AppendLiteral(i == 0 ? _nodes[i].Name : "," + _nodes[i].Name);
            }

            return expression.Build();
        }
    }

    internal void AddNode(ProjectResource node) => _nodes.Add(node);
}
