using AspireCache.Client;

namespace AspireCache.AspNetCore;

/// <summary>The group and key of a <c>/cache/…</c> or <c>/_peer/…</c> request, read from the raw request target.</summary>
/// <remarks>
/// The raw target, not the decoded path: ASP.NET Core decodes "%25" but keeps "%2F", so a key holding
/// "%2F" and one holding "/" would look alike after its decoding.
/// </remarks>
internal readonly record struct CacheRequestPath(string Group, string Key)
{
    public static bool TryParse(string rawTarget, out CacheRequestPath path, out string error)
    {
        path = default;
        ReadOnlySpan<char> target = rawTarget;
        int query = target.IndexOf('?');
        if (query >= 0)
        {
            target = target[..query];
        }

        // Routing already matched the first segment (/cache or /_peer, in any case or escaping);
        // what follows it is the group and the key.
        if (target.IsEmpty || target[0] != '/')
        {
            error = "The request target must be a path (origin form).";
            return false;
        }

        int afterPrefix = target[1..].IndexOf('/');
        target = afterPrefix < 0 ? [] : target[(afterPrefix + 2)..];
        foreach (Range segment in target.Split('/'))
        {
            if (target[segment] is "." or "..")
            {
                error = "The path has a '.' or '..' segment; percent-encode a key that contains '/'.";
                return false;
            }
        }

        int slash = target.IndexOf('/');
        ReadOnlySpan<char> rawGroup = slash < 0 ? target : target[..slash];
        ReadOnlySpan<char> rawKey = slash < 0 ? [] : target[(slash + 1)..];

        if (!CacheKeyPath.TryDecode(rawGroup, out string? group) || group.Length == 0)
        {
            error = "The group name is missing or is not a valid percent-encoded UTF-8 segment.";
            return false;
        }

        // An unescaped '/' inside the key is taken literally, as if it had been sent as %2F.
        if (!CacheKeyPath.TryDecode(rawKey, out string? key))
        {
            error = "The key is not valid percent-encoded UTF-8 (a malformed escape, or bytes that are not UTF-8).";
            return false;
        }

        path = new CacheRequestPath(group, key);
        error = string.Empty;
        return true;
    }
}
