using Microsoft.Net.Http.Headers;

namespace AspireCache.AspNetCore;

/// <summary>The lifetime a client asks for a written value: <c>Cache-Control: max-age=N</c> on the <c>PUT</c>.</summary>
/// <remarks>Other directives are ignored: a value that should not be kept is removed with <c>DELETE</c>, not written.</remarks>
internal static class RequestLifetime
{
    /// <summary>False when the request has a <c>Cache-Control</c> that does not parse; otherwise its max-age, or null for the group's time to live.</summary>
    public static bool TryRead(HttpRequest request, out TimeSpan? timeToLive)
    {
        timeToLive = null;
        if (request.Headers.CacheControl.Count == 0)
        {
            return true;
        }

        if (!CacheControlHeaderValue.TryParse(request.Headers.CacheControl.ToString(), out CacheControlHeaderValue? cacheControl))
        {
            return false;
        }

        timeToLive = cacheControl.MaxAge;
        return true;
    }
}
