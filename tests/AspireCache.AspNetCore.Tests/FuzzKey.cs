using System.Globalization;
using System.Text;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// The key of the demo group that a fuzzed get names, worked out from the README's key rules alone (never
/// with the node's own decoder, which it checks): valid, with the key decoded, or invalid, with why.
/// </summary>
/// <param name="Key">The decoded key; null when the key is invalid.</param>
/// <param name="Invalid">Which rule an invalid key breaks; null when the key is valid.</param>
/// <param name="RefusedByKestrel">
/// Whether Kestrel refuses the request before the node sees it: a path with an escaped NUL, which Kestrel
/// never accepts, is its 400 without a body; every other invalid key is the node's 400 with a problem.
/// </param>
internal sealed record FuzzKey(string? Key, string? Invalid, bool RefusedByKestrel = false)
{
    // README, "Configuration": a group's keys have at most 250 UTF-8 bytes by default.
    private const int MaxKeyBytes = 250;

    // The spellings of the client API's prefix that routing treats as /cache/ (another test pins that).
    private static readonly string[] Prefixes = ["/cache/", "/CACHE/", "/c%61che/"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The key a get names, or null when the case is no client get of a key of the demo group: other
    /// methods, the peer API, other groups, request lines as written (raw), which only a client that
    /// breaks HTTP sends, and paths with dot segments, which Kestrel resolves before routing.
    /// </summary>
    public static FuzzKey? Of(FuzzCase fuzzCase)
    {
        if (fuzzCase.Method != "GET" || fuzzCase.RawOnly || fuzzCase.RawRequest is not null)
        {
            return null;
        }

        string path = fuzzCase.Target.Split('?')[0];
        string? prefix = Prefixes.FirstOrDefault(p => path.StartsWith(p, StringComparison.Ordinal));
        if (prefix is null || path.Split('/').Any(s => s.Replace("%2E", ".", StringComparison.OrdinalIgnoreCase) is "." or ".."))
        {
            return null;
        }

        string rest = path[prefix.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (Decoded(slash < 0 ? rest : rest[..slash]) is not { } group || group != CacheNodeFactory.Group)
        {
            return null;
        }

        // README, "HTTP contract": an unescaped '/' after the group is part of the key.
        string rawKey = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (rawKey.Contains("%00", StringComparison.Ordinal))
        {
            return new FuzzKey(null, "U+0000", RefusedByKestrel: true);
        }

        byte[]? bytes = PercentDecoded(rawKey);
        if (bytes is null)
        {
            return new FuzzKey(null, "a malformed escape");
        }

        string key;
        try
        {
            key = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return new FuzzKey(null, "bytes that are not UTF-8");
        }

        return bytes.Length == 0 ? new FuzzKey(null, "empty")
            : bytes.Length > MaxKeyBytes ? new FuzzKey(null, $"{bytes.Length} bytes, over {MaxKeyBytes}")
            : key is "." or ".." ? new FuzzKey(null, $"'{key}'")
            : new FuzzKey(key, null);
    }

    private static string? Decoded(string segment)
    {
        if (PercentDecoded(segment) is not { } bytes)
        {
            return null;
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    // RFC 3986: '%' and two hex digits is a byte; any other '%' is malformed. A client sends only ASCII.
    private static byte[]? PercentDecoded(string segment)
    {
        var bytes = new List<byte>(segment.Length);
        for (int i = 0; i < segment.Length; i++)
        {
            if (segment[i] != '%')
            {
                bytes.Add(checked((byte)segment[i]));
            }
            else if (i + 2 < segment.Length && byte.TryParse(segment.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte escaped))
            {
                bytes.Add(escaped);
                i += 2;
            }
            else
            {
                return null;
            }
        }

        return [.. bytes];
    }
}
