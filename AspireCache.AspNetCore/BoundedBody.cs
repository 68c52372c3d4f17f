namespace AspireCache.AspNetCore;

/// <summary>Reads a body (a response's, or a written value's) into one array of exactly its size, never buffering past a limit.</summary>
internal static class BoundedBody
{
    /// <summary>Reads the whole body.</summary>
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
        // Kestrel's own cap (30 MB by default) must not answer first with a bare 413 for a group that
        // allows more; one byte over the limit is all that is ever read.
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = (long)limit + 1;
        }

        return ReadAsync(request.Body, request.ContentLength, limit, group, cancellationToken);
    }

    /// <summary>Reads a stream to its end, <paramref name="declared"/> bytes long when that is known.</summary>
    /// <exception cref="CacheValueTooLargeException">The stream has more than <paramref name="limit"/> bytes, by <paramref name="declared"/> or as read.</exception>
    public static async Task<byte[]> ReadAsync(Stream stream, long? declared, int limit, string group, CancellationToken cancellationToken)
    {
        if (declared > limit)
        {
            throw CacheValueTooLargeException.For(group, declared.Value, limit);
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
                    throw CacheValueTooLargeException.For(group, limit, limit, atLeast: true);
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
}
