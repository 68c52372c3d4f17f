using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using AspireCache;
using Microsoft.AspNetCore.Http.Features;

namespace DemoBackend;

/// <summary>The key of a <c>/data/{key}</c> request, and what its prefix asks of the backend.</summary>
public static class DataKey
{
    /// <summary>
    /// Reads the key from the raw path (see <see cref="CacheKeyPath"/>), so that an escaped '/' or '%' in a
    /// key survives; whatever routing matched as the first segment (/data, /DATA, /d%61ta), the key is what follows it.
    /// </summary>
    public static bool TryRead(HttpContext context, [NotNullWhen(true)] out string? key)
    {
        string rawPath = context.Features.Get<IHttpRequestFeature>()!.RawTarget.Split('?')[0];
        int keyStart = rawPath.IndexOf('/', 1);
        key = null;
        return keyStart >= 0 && CacheKeyPath.TryDecode(rawPath.AsSpan(keyStart + 1), out key) && key.Length > 0;
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
