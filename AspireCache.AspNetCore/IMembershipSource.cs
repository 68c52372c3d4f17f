namespace AspireCache.AspNetCore;

/// <summary>
/// Where a node learns who the members are. The node asks at start and then every
/// <c>Cache:MembersRefreshInterval</c>; a member that appears joins its ring and one that disappears
/// leaves it. The fixed list of <c>Cache:Members</c> and the SRV records of <c>Cache:MembersDnsName</c> are
/// the two sources; another (a registry, a gossip protocol) would be a third implementation.
/// </summary>
internal interface IMembershipSource
{
    /// <summary>The members now, with or without this node (which is always a member of its own ring).</summary>
    /// <exception cref="Exception">The source could not answer: the node keeps the members it had, and asks again later.</exception>
    ValueTask<IReadOnlyList<ClusterMember>> GetMembersAsync(CancellationToken cancellationToken);
}
