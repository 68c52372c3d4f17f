using System.Net.Sockets;

namespace AspireCache;

/// <summary>
/// A peer could not be asked, did not answer in time, or answered with an error of its own: a failure
/// that the network or the peer can cause, which the engine answers by loading the key itself, by
/// recording a change the peer missed, or by skipping its hand-off. A transport (<see cref="ICachePeer"/>)
/// throws it for such failures; anything else a peer throws is a bug (<see cref="CacheInternalErrors"/>).
/// </summary>
public class CachePeerException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="peer">The peer's member name.</param>
    /// <param name="message">What failed, without the key.</param>
    /// <param name="innerException">The transport's own error, if any.</param>
    public CachePeerException(string peer, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Peer = peer;
    }

    /// <summary>The peer's member name.</summary>
    public string Peer { get; }

    /// <summary>
    /// Whether <paramref name="exception"/> is one that the network or a peer can cause: this type, or a
    /// timeout, a socket, I/O or HTTP error, or an answer that does not parse. Everything else that a peer
    /// call throws is this process's own bug, and never held against the peer.
    /// </summary>
    /// <param name="exception">What a call to a peer threw.</param>
    public static bool IsPeerFailure(Exception exception) => exception is CachePeerException
        or TimeoutException
        or OperationCanceledException
        or IOException
        or SocketException
        or HttpRequestException
        or InvalidDataException
        or System.Text.Json.JsonException;
}
