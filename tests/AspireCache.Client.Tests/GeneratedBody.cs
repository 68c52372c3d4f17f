namespace AspireCache.Client.Tests;

/// <summary>
/// A response body of a given length that is sent without a Content-Length (as a chunked answer is), counting
/// how much of it was read.
/// </summary>
internal sealed class GeneratedBody(long length, byte fill) : ReadOnlyStream
{
    private long _read;

    public long BytesRead => Interlocked.Read(ref _read);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = (int)Math.Min(buffer.Length, length - BytesRead);
        buffer[..n].Fill(fill);
        Interlocked.Add(ref _read, n);
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));
}
