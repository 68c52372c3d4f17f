using System.Globalization;
using AspireCache.Client;
using Microsoft.Net.Http.Headers;

namespace AspireCache.AspNetCore;

/// <summary>A value's freshness told to clients in standard HTTP headers (RFC 9111), plus staleness in a header of our own.</summary>
/// <remarks>
/// <c>Age</c> and <c>Cache-Control: max-age</c> in whole seconds, rounded down, so that a cache in front of
/// the node never keeps a value past the node's own expiry. A stale value gets <c>max-age=0</c>: already
/// expired on arrival. Staleness is <see cref="CacheHttpProtocol.StaleHeader"/>, not the obsolete <c>Warning</c>
/// header. A value that never expires gets none of these headers.
/// </remarks>
internal static class ClientFreshness
{
    // Header values for the first hour, made once each: every hit of a value with a lifetime sends two,
    // and formatting them per response would be the only allocation of such a hit.
    private const int CachedSeconds = 3600;
    private static readonly string?[] AgeValues = new string?[CachedSeconds + 1];
    private static readonly string?[] MaxAgeValues = new string?[CachedSeconds + 1];

    /// <summary>Sets the headers for a result that expires or is stale.</summary>
    public static void WriteHeaders(IHeaderDictionary headers, in CacheResult result)
    {
        headers[HeaderNames.Age] = Format(AgeValues, string.Empty, Seconds(result.Age));
        if (result.TimeToLive is TimeSpan ttl)
        {
            headers[HeaderNames.CacheControl] = ttl == TimeSpan.Zero ? "no-store" : Format(MaxAgeValues, "max-age=", Seconds(ttl));
        }

        if (result.IsStale)
        {
            headers[CacheHttpProtocol.StaleHeader] = "true";
        }
    }

    private static long Seconds(TimeSpan span) => Math.Max(0, span.Ticks / TimeSpan.TicksPerSecond);

    // Two threads may format the same value at once; both strings are equal, and either may stay.
    private static string Format(string?[] made, string prefix, long seconds) =>
        seconds <= CachedSeconds
            ? made[seconds] ??= prefix + seconds.ToString(CultureInfo.InvariantCulture)
            : prefix + seconds.ToString(CultureInfo.InvariantCulture);
}
