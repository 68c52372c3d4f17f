namespace AspireCache.AspNetCore;

/// <summary>A member's state, since when, and the last error seen from it.</summary>
internal sealed record MemberStatus(MemberState State, DateTimeOffset Since, string? LastError);
