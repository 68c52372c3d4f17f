using System.Net.Http.Json;
using System.Text.Json;

namespace AspireCache.Testing;

/// <summary>
/// A node's answer to <c>GET /cluster</c>, read as JSON: the node's name, its ring's points per member,
/// the members as it sees them and its groups' stores.
/// </summary>
/// <remarks>
/// Declared here rather than borrowed from the server, so that a renamed or dropped field of the answer
/// fails the tests that read it (every field is required) instead of reading as a default.
/// </remarks>
internal sealed record ClusterAnswer(string Name, int PointsPerMember, MemberAnswer[] Members, GroupAnswer[] Groups)
{
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>Asks <paramref name="node"/> for its <c>/cluster</c> answer.</summary>
    public static async Task<ClusterAnswer> ReadAsync(HttpClient node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ClusterAnswer? answer = await node.GetFromJsonAsync<ClusterAnswer>(new Uri("/cluster", UriKind.Relative), Strict, cancellationToken);
        Assert.NotNull(answer);
        return answer;
    }

    /// <summary>Whether this node sees <paramref name="memberCount"/> members, every one of them in its ring.</summary>
    public bool HasWholeRing(int memberCount)
    {
        if (Members.Length != memberCount)
        {
            return false;
        }

        foreach (MemberAnswer member in Members)
        {
            if (!member.InRing)
            {
                return false;
            }
        }

        return true;
    }
}
