using System.Text.Json;

namespace AspireCache.AspNetCore;

/// <summary>Reads a body (a response's, or a written value's) into one array of exactly its size, never buffering past a limit.</summary>
internal static class BoundedBody
{
    /// <summary>Reads the whole body of a value.</summary>
    /// <exception cref="CacheValueTooLargeException">The body has more than <paramref name="limit"/> bytes, by its Content-Length or as read.</exception>
    public static async Task<byte[]> ReadAsync(HttpContent content, int limit, string group, CancellationToken cancellationToken)
    {
        long? declared = content.Headers.ContentLength;
        if (declared > limit)
        {
            throw CacheValueTooLargeException.For(group, declared.Value, limit);
        }

        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(stream, declared, limit, group, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a request's whole body, e.g. a value to write.</summary>
    /// <exception cref="CacheValueTooLargeException">The body has more than <paramref name="limit"/> bytes, by its Content-Length or as read.</exception>
    public static Task<byte[]> ReadAsync(HttpRequest request, int limit, string group, CancellationToken cancellationToken)
    {
        AllowUpTo(request, limit);
        return ReadAsync(request.Body, request.ContentLength, limit, group, cancellationToken);
    }

    /// <summary>Reads a stream to its end, <paramref name="declared"/> bytes long when that is known.</summary>
    /// <exception cref="CacheValueTooLargeException">The stream has more than <paramref name="limit"/> bytes, by <paramref name="declared"/> or as read.</exception>
    public static Task<byte[]> ReadAsync(Stream stream, long? declared, int limit, string group, CancellationToken cancellationToken) =>
        ReadAsync(stream, declared, limit, (length, atLeast) => CacheValueTooLargeException.For(group, length, limit, atLeast), cancellationToken);

    /// <summary>Reads a peer's JSON answer (a status answer), at most <paramref name="limit"/> bytes of it.</summary>
    /// <exception cref="BodyTooLargeException">The answer is larger than the limit: a bad answer of the peer's.</exception>
    /// <exception cref="InvalidDataException">The answer is not the JSON expected: a bad answer of the peer's.</exception>
    public static async Task<T> ReadJsonAsync<T>(HttpContent content, int limit, string what, CancellationToken cancellationToken)
    {
        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        byte[] body = await ReadAsync(stream, content.Headers.ContentLength, limit, (length, atLeast) => TooLong(what, length, limit, atLeast), cancellationToken).ConfigureAwait(false);
        return Deserialize<T>(body, what);
    }

    /// <summary>Reads a request's JSON body (an acknowledgement), at most <paramref name="limit"/> bytes of it.</summary>
    /// <exception cref="BodyTooLargeException">The body is larger than the limit.</exception>
    /// <exception cref="InvalidDataException">The body is not the JSON expected.</exception>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, int limit, string what, CancellationToken cancellationToken)
    {
        AllowUpTo(request, limit);
        byte[] body = await ReadAsync(request.Body, request.ContentLength, limit, (length, atLeast) => TooLong(what, length, limit, atLeast), cancellationToken);
        return Deserialize<T>(body, what);
    }

    // Kestrel's own cap (30 MB by default) must not answer first with a bare 413 for a group that
    // allows more; one byte over the limit is all that is ever read.
    private static void AllowUpTo(HttpRequest request, int limit)
    {
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = (long)limit + 1;
        }
    }

    private static async Task<byte[]> ReadAsync(Stream stream, long? declared, int limit, Func<long, bool, Exception> tooLarge, CancellationToken cancellationToken)
    {
        if (declared > limit)
        {
            throw tooLarge(declared.Value, false);
        }

        if (declared is long length)
        {
            // The common case: one array of the final size, filled straight from the connection.
            byte[] exact = GC.AllocateUninitializedArray<byte>((int)length);
            await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }

        // Chunked: grow until the end or one byte past the limit, whichever comes first.
        byte[] buffer = new byte[Math.Min(limit + 1, 16 * 1024)];
        int filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    throw tooLarge(limit, true);
                }

                Array.Resize(ref buffer, (int)Math.Min((long)limit + 1, buffer.Length * 2L));
            }

            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return filled == buffer.Length ? buffer : buffer[..filled];
            }

            filled += read;
        }
    }

    private static BodyTooLargeException TooLong(string what, long length, int limit, bool atLeast) =>
        new($"{what} has {(atLeast ? "more than " : string.Empty)}{length} bytes; at most {limit} are read.");

    private static T Deserialize<T>(byte[] body, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body) ?? throw new InvalidDataException($"{what} is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{what} is not the JSON expected: {ex.Message}", ex);
        }
    }
}

/// <summary>A protocol body (a status answer, an acknowledgement) larger than its bound; nothing past the bound was read.</summary>
internal sealed class BodyTooLargeException(string message) : IOException(message);
