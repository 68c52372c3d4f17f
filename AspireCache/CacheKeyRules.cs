using System.Text;

namespace AspireCache;

/// <summary>What makes a string a cache key: non-empty, not '.' or '..', valid Unicode without U+0000, and short enough in UTF-8.</summary>
/// <remarks>A group applies every rule (<see cref="CacheGroup.ValidateKey"/>); a client, which does not know a group's limit, applies the others before it sends anything.</remarks>
public static class CacheKeyRules
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Throws <see cref="InvalidCacheKeyException"/> unless <paramref name="key"/> is a key of at most <paramref name="maxKeyBytes"/> UTF-8 bytes.</summary>
    /// <param name="key">The key.</param>
    /// <param name="maxKeyBytes">The group's longest key, in UTF-8 bytes; <see cref="int.MaxValue"/> to check only the other rules.</param>
    /// <param name="group">The group, named in the message.</param>
    /// <exception cref="InvalidCacheKeyException">The key breaks a rule; the message says which.</exception>
    public static void Validate(string key, int maxKeyBytes, string group)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidCacheKeyException("A cache key must not be empty.");
        }

        if (key is "." or "..")
        {
            // URLs resolve these as path segments, so no peer or source could be asked for them.
            throw new InvalidCacheKeyException("'.' and '..' cannot be cache keys: a URL path cannot carry them as a segment.");
        }

        // UTF-8 takes at least one byte per UTF-16 char and at most three, so most keys need no counting;
        // a surrogate is checked strictly because a lone one cannot travel to a peer intact. One scan finds
        // both rarities, a NUL and a surrogate, in the common key (ASCII, and most other text, is neither).
        bool mayBeTooLong = key.Length > maxKeyBytes / 3;
        bool mayBeUnusual = key.AsSpan().ContainsAnyExceptInRange('\u0001', '\uD7FF');
        if (mayBeUnusual && key.Contains('\0', StringComparison.Ordinal))
        {
            // Kestrel, like other HTTP servers, refuses any request path with an escaped NUL, so no peer
            // could be asked for such a key, nor told of its removal.
            throw new InvalidCacheKeyException("A cache key must not contain U+0000: no peer accepts it in a request path.");
        }

        bool hasSurrogates = mayBeUnusual && key.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF');
        if (!mayBeTooLong && !hasSurrogates)
        {
            return;
        }

        int bytes;
        try
        {
            bytes = key.Length > maxKeyBytes ? key.Length : StrictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            throw new InvalidCacheKeyException("A cache key must be valid Unicode; this one has an unpaired surrogate.");
        }

        if (bytes > maxKeyBytes)
        {
            throw new InvalidCacheKeyException(
                $"A cache key of group '{group}' may have at most {maxKeyBytes} UTF-8 bytes; this one has {(key.Length > maxKeyBytes ? "more than " + maxKeyBytes : bytes)}.");
        }
    }
}
