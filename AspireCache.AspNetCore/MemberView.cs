namespace AspireCache.AspNetCore;

/// <summary>One member in <c>GET /cluster</c>: the addresses this node resolves for it and its health as this node sees it.</summary>
internal sealed record MemberView(string Name, string[] Addresses, string State, DateTimeOffset? Since, string? LastError, bool InRing);
