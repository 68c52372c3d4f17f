using System.Diagnostics.CodeAnalysis;

namespace AspireCache;

/// <summary>Decides which node owns a key.</summary>
public interface IPeerPicker
{
    /// <summary>Picks the peer that owns <paramref name="key"/>.</summary>
    /// <returns>False when this node owns the key, or knows no peers: it then loads the key itself.</returns>
    bool TryPickPeer(string key, [NotNullWhen(true)] out ICachePeer? peer);

    /// <summary>The peers in this node's ring now, this node left out: the members that a removal, write or clear must reach.</summary>
    IReadOnlyCollection<ICachePeer> RingPeers { get; }
}
