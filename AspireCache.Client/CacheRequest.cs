using System.Globalization;
using System.Net.Http.Headers;

namespace AspireCache.Client;

/// <summary>What one operation sends, built again for each member it is sent to.</summary>
internal readonly record struct CacheRequest(HttpMethod Method, string Path, AuthenticationHeaderValue? Authorization, ReadOnlyMemory<byte>? Body = null, TimeSpan? TimeToLive = null)
{
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");

    public HttpRequestMessage ToMessage(Uri baseAddress)
    {
        var message = new HttpRequestMessage(Method, new Uri(baseAddress, Path));
        message.Headers.Authorization = Authorization;
        if (Body is { } body)
        {
            message.Content = new ReadOnlyMemoryContent(body);
            message.Content.Headers.ContentType = OctetStream;
        }

        if (TimeToLive is { } ttl)
        {
            // The node reads whole seconds; rounding up keeps a short lifetime from becoming zero, which removes.
            long seconds = (ttl.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
            message.Headers.TryAddWithoutValidation("Cache-Control", "max-age=" + seconds.ToString(CultureInfo.InvariantCulture));
        }

        return message;
    }
}
