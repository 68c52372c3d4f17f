using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;

namespace DemoBackend;

/// <summary>The key of a <c>/data/{key}</c> request, and what its prefix asks of the backend.</summary>
public static class DataKey
{
    /// <summary>
    /// Reads the key from the raw path, where the cache sends it percent-encoded in one segment, so that an
    /// escaped '/' or '%' in a key survives; whatever routing matched as the first segment (/data, /DATA,
    /// /d%61ta), the key is what follows it. A malformed escape is no key.
    /// </summary>
    public static bool TryRead(HttpContext context, [NotNullWhen(true)] out string? key)
    {
        string rawPath = context.Features.Get<IHttpRequestFeature>()!.RawTarget.Split('?')[0];
        key = null;
        if (rawPath.Length < 2)
        {
            return false;
        }

        int keyStart = rawPath.IndexOf('/', 1);
        if (keyStart < 0 || !HasWellFormedEscapes(rawPath.AsSpan(keyStart + 1)))
        {
            return false;
        }

        key = Uri.UnescapeDataString(rawPath[(keyStart + 1)..]);
        return key.Length > 0;
    }

    private static bool HasWellFormedEscapes(ReadOnlySpan<char> segment)
    {
        for (int i = segment.IndexOf('%'); i >= 0; i = segment.IndexOf('%'))
        {
            if (i + 2 >= segment.Length || !char.IsAsciiHexDigit(segment[i + 1]) || !char.IsAsciiHexDigit(segment[i + 2]))
            {
                return false;
            }

            segment = segment[(i + 3)..];
        }

        return true;
    }

    /// <summary>The lifetime that a key starting with <c>ttl&lt;N&gt;-</c> (e.g. <c>ttl5-user</c>) asks for: N seconds.</summary>
    public static bool TryGetMaxAge(string key, out int seconds)
    {
        seconds = 0;
        if (!key.StartsWith("ttl", StringComparison.Ordinal))
        {
            return false;
        }

        int dash = key.IndexOf('-', StringComparison.Ordinal);
        return dash > 3 && int.TryParse(key.AsSpan(3, dash - 3), NumberStyles.None, CultureInfo.InvariantCulture, out seconds);
    }
}
