using System.Text;

namespace AspireCache.AspNetCore;

/// <summary>
/// The body of a deferred peer answer: an owner that must load a key sends its response headers at
/// once (<see cref="PeerProtocol.DeferredHeader"/>) and this body when the load ends, so that the status
/// line can no longer say how it ended. One kind byte, then the value or a message.
/// </summary>
/// <remarks>
/// The kinds are ASCII letters, so that <c>curl</c> shows a deferred answer legibly: <c>V</c> a value,
/// <c>N</c> the source has no such key, <c>E</c> the source failed, <c>T</c> the source timed out. A
/// value's kind is followed by its freshness line (<see cref="PeerFreshness.Line"/>), then the value:
/// <c>V ttl=59000 age=0\n&lt;bytes&gt;</c>, or <c>V\n&lt;bytes&gt;</c> for a value that never expires.
/// All nodes of a cluster must run a version with the same format.
/// </remarks>
internal static class PeerAnswer
{
    public const byte Value = (byte)'V';
    public const byte NotFound = (byte)'N';
    public const byte SourceError = (byte)'E';
    public const byte SourceTimeout = (byte)'T';

    /// <summary>Writes the answer for a load's outcome: its value or the failure a caller should hear.</summary>
    public static async Task WriteAsync(HttpResponse response, Task<CacheResult> load, CancellationToken cancellationToken)
    {
        byte kind;
        ReadOnlyMemory<byte> payload;
        byte[]? freshness = null;
        try
        {
            CacheResult result = await load;
            (kind, payload, freshness) = (Value, result.Value, PeerFreshness.Line(result));
        }
        catch (CacheKeyNotFoundException ex)
        {
            (kind, payload) = (NotFound, Encoding.UTF8.GetBytes(ex.Message));
        }
        catch (CacheSourceException ex)
        {
            (kind, payload) = (ex.IsTimeout ? SourceTimeout : SourceError, Encoding.UTF8.GetBytes(ex.Message));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A loader of another kind than the HTTP one failed: its message may quote the key, its type not.
            (kind, payload) = (SourceError, Encoding.UTF8.GetBytes($"The loader failed ({ex.GetType().Name})."));
        }

        await response.BodyWriter.WriteAsync(new[] { kind }, cancellationToken);
        if (freshness is not null)
        {
            await response.BodyWriter.WriteAsync(freshness, cancellationToken);
        }

        await response.BodyWriter.WriteAsync(payload, cancellationToken);
    }

    /// <summary>Reads a deferred answer: the value with its freshness, or the exception that the owner's load ended with.</summary>
    public static CacheResult Read(byte[] body, string peer)
    {
        if (body.Length == 0)
        {
            throw new InvalidDataException($"Peer {peer} sent an empty deferred answer.");
        }

        string Message() => Encoding.UTF8.GetString(body, 1, body.Length - 1);
        return body[0] switch
        {
            Value => PeerFreshness.ReadLine(body.AsMemory(1)),
            NotFound => throw new CacheKeyNotFoundException(Message()),
            SourceError => throw new CacheSourceException(Message(), isTimeout: false),
            SourceTimeout => throw new CacheSourceException(Message(), isTimeout: true),
            _ => throw new InvalidDataException($"Peer {peer} sent a deferred answer of unknown kind {body[0]}."),
        };
    }
}
