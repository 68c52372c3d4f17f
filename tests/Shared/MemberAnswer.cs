namespace AspireCache.Testing;

/// <summary>
/// One member in a node's <c>/cluster</c> answer: the addresses the node resolves for it, its state as the
/// node sees it (<c>self</c>, <c>up</c>, <c>suspect</c> or <c>down</c>), since when, the last error, and
/// whether it is in the node's ring, and the peer protocol version it announced.
/// </summary>
internal sealed record MemberAnswer(string Name, string[] Addresses, string State, DateTimeOffset? Since, string? LastError, bool InRing, int ProtocolVersion);
