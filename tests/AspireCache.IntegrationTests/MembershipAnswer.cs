using System.Net.Http.Json;
using System.Text.Json;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The member set a node was given, from its <c>GET /cluster</c> answer's <c>membership</c>: the set's
/// fingerprint (equal on nodes that agree) and its member names, the node included.
/// </summary>
internal sealed record MembershipAnswer(string Fingerprint, string[] Members)
{
    /// <summary>Asks <paramref name="node"/> for the member set it has now.</summary>
    public static async Task<MembershipAnswer> ReadAsync(HttpClient node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        JsonElement membership = (await node.GetFromJsonAsync<JsonElement>(new Uri("/cluster", UriKind.Relative), cancellationToken)).GetProperty("membership");
        return new MembershipAnswer(
            membership.GetProperty("fingerprint").GetString()!,
            [.. membership.GetProperty("members").EnumerateArray().Select(member => member.GetString()!)]);
    }

    /// <summary>Whether the set is exactly <paramref name="names"/>, in any order.</summary>
    public bool Is(IEnumerable<string> names) => Members.Order(StringComparer.Ordinal).SequenceEqual(names.Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
