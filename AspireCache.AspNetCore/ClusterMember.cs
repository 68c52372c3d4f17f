namespace AspireCache.AspNetCore;

/// <summary>A member of the cluster as a membership source names it: its name on the ring and where its peer API listens.</summary>
/// <param name="Name">The member's name, the same on every node's ring (its <c>Cache:NodeName</c>).</param>
/// <param name="Address">The base address of its HTTP endpoint, e.g. <c>http://10.1.2.3:8080</c>, or <c>http://cache-1</c> for service discovery to resolve.</param>
internal sealed record ClusterMember(string Name, Uri Address);
