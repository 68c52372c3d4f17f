namespace AspireCache.AspNetCore;

/// <summary>The member set in <c>GET /cluster</c>: its fingerprint (13 hex digits) and its members, this node included.</summary>
internal sealed record MembershipView(string Fingerprint, IReadOnlyList<string> Members)
{
    public static MembershipView Of(Membership membership) => new(membership.Fingerprint.ToString(), membership.Members);
}
