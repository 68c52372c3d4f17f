namespace AspireCache.AspNetCore;

/// <summary>
/// The member set in <c>GET /cluster</c>: its fingerprint (13 hex digits), its members (this node included),
/// where they come from (<c>static</c> or <c>dns</c>), how often the set changed and when it last did.
/// </summary>
internal sealed record MembershipView(string Fingerprint, IReadOnlyList<string> Members, string Source, long Changes, DateTimeOffset ChangedAt)
{
    public static MembershipView Of(Membership membership) =>
        new(membership.FingerprintText, membership.Members, membership.Source, membership.Changes, membership.ChangedAt);
}
