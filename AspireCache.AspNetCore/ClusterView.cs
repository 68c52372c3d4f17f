namespace AspireCache.AspNetCore;

/// <summary>The body of <c>GET /cluster</c>: this node, the members as it sees them, and its groups' stores.</summary>
internal sealed record ClusterView(string Name, int PointsPerMember, IReadOnlyList<MemberView> Members, GroupView[] Groups);
