using System.Diagnostics.CodeAnalysis;

namespace AspireCache;

/// <summary>Decides which node owns a key.</summary>
public interface IPeerPicker
{
    /// <summary>Picks the peer that owns <paramref name="key"/>.</summary>
    /// <returns>False when this node owns the key, or knows no peers: it then loads the key itself.</returns>
    bool TryPickPeer(string key, [NotNullWhen(true)] out ICachePeer? peer);

    /// <summary>Every peer this node knows, in its ring or not, this node left out: a removal, write or clear is sent to all of them.</summary>
    IReadOnlyCollection<ICachePeer> Peers { get; }

    /// <summary>The peers in this node's ring now, this node left out: a change answers success only when all of them acknowledged it.</summary>
    IReadOnlyCollection<ICachePeer> RingPeers { get; }

    /// <summary>
    /// For a while after membership changes, the peers that owned <paramref name="key"/> before them, the
    /// most recent first, leaving out this node and the key's owner now: an owner about to load the key asks
    /// them first.
    /// </summary>
    /// <returns>Empty when no change is recent, or the key did not move from another peer.</returns>
    IReadOnlyList<ICachePeer> PreviousOwnersOf(string key) => [];
}
