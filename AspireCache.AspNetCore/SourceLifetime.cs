using System.Net.Http.Headers;

namespace AspireCache.AspNetCore;

/// <summary>How long a value from an HTTP source may be kept, by the source's own <c>Cache-Control</c> and <c>Age</c>.</summary>
/// <remarks>
/// The node is a shared cache (RFC 9111): <c>s-maxage</c> wins over <c>max-age</c>, and <c>private</c>
/// values are not kept, like <c>no-store</c> and <c>no-cache</c> (the node never revalidates, so a value
/// that must be revalidated is served to the callers waiting for it and dropped). A header that does not
/// parse says nothing: the value gets the group's time to live, and the load does not fail over it.
/// </remarks>
internal static class SourceLifetime
{
    /// <summary>The value's lifetime: null for the group's, <see cref="TimeSpan.Zero"/> for "do not keep".</summary>
    public static TimeSpan? Of(HttpResponseMessage response)
    {
        CacheControlHeaderValue? cacheControl = response.Headers.CacheControl;
        if (cacheControl is null)
        {
            return null;
        }

        if (cacheControl.NoStore || cacheControl.NoCache || cacheControl.Private)
        {
            return TimeSpan.Zero;
        }

        if ((cacheControl.SharedMaxAge ?? cacheControl.MaxAge) is not TimeSpan maxAge)
        {
            return null;
        }

        // The time it already spent in caches between the origin and this node counts against it.
        TimeSpan left = maxAge - (response.Headers.Age ?? TimeSpan.Zero);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
