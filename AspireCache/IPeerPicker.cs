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
}
