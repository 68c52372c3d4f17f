namespace AspireCache.AspNetCore;

/// <summary>
/// The body of <c>GET /cluster</c>: this node, the members as it sees them, its groups' stores, and the
/// member set it was given, whose fingerprint must be the same on every node.
/// </summary>
internal sealed record ClusterView(string Name, int PointsPerMember, IReadOnlyList<MemberView> Members, GroupView[] Groups, MembershipView Membership);
