using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace AspireCache.Node;

/// <summary>The secret that nodes of one cluster share, and the check of a peer request against it.</summary>
/// <remarks>
/// Peers send it as <c>Authorization: Bearer &lt;secret&gt;</c>. Both sides are hashed before a
/// fixed-time comparison, so the check takes as long for a nearly right secret as for a wrong one, and
/// the secret's length leaks nothing either.
/// </remarks>
internal sealed class PeerSecret(string secret)
{
    private const string Scheme = "Bearer";

    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public string HeaderValue { get; } = $"{Scheme} {secret}";

    public PeerCheck Check(HttpRequest request)
    {
        string? header = request.Headers[HeaderNames.Authorization];
        if (string.IsNullOrEmpty(header) || !header.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            return PeerCheck.Missing;
        }

        byte[] offered = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(Scheme.Length + 1).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(offered, _hash) ? PeerCheck.Accepted : PeerCheck.Wrong;
    }
}

/// <summary>The outcome of checking a peer request's secret.</summary>
internal enum PeerCheck
{
    Accepted,
    Missing,
    Wrong,
}
