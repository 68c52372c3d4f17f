namespace AspireCache.Node;

/// <summary>Reads a response body into one array of exactly its size, never buffering past a limit.</summary>
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
