using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace AspireCache.AspNetCore;

/// <summary>A secret that callers present as <c>Authorization: Bearer &lt;secret&gt;</c>: the peer secret or the admin secret.</summary>
/// <remarks>
/// Both sides are hashed before a fixed-time comparison, so the check takes as long for a nearly right
/// secret as for a wrong one, and the secret's length leaks nothing either. The secret itself is kept
/// only in <see cref="HeaderValue"/>, for the node's own requests; it is never logged.
/// </remarks>
internal sealed class SharedSecret(string secret)
{
    private const string Scheme = "Bearer";

    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>False when no secret is configured: nothing is then accepted.</summary>
    public bool IsSet { get; } = secret.Length > 0;

    public string HeaderValue { get; } = $"{Scheme} {secret}";

    /// <summary>The hash of the bearer token a request offers; null when it offers none.</summary>
    public static byte[]? Offered(HttpRequest request)
    {
        string? header = request.Headers[HeaderNames.Authorization];
        if (string.IsNullOrEmpty(header) || !header.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(Scheme.Length + 1).Trim().ToString()));
    }

    public bool Matches(byte[] offered) => IsSet && CryptographicOperations.FixedTimeEquals(offered, _hash);

    public SecretCheck Check(HttpRequest request) =>
        Offered(request) is not byte[] offered ? SecretCheck.Missing : Matches(offered) ? SecretCheck.Accepted : SecretCheck.Wrong;
}
