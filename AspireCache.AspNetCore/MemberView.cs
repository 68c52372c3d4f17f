namespace AspireCache.AspNetCore;

/// <summary>
/// One member in <c>GET /cluster</c>: the addresses this node resolves for it, its health as this node sees
/// it, and the peer protocol version it announced (1 until it announced one; this node's own for itself),
/// which shows the old and new nodes of a rolling update.
/// </summary>
internal sealed record MemberView(string Name, string[] Addresses, string State, DateTimeOffset? Since, string? LastError, bool InRing, int ProtocolVersion);
