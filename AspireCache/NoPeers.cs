using System.Diagnostics.CodeAnalysis;

namespace AspireCache;

/// <summary>The picker of a node that stands alone: it owns every key.</summary>
internal sealed class NoPeers : IPeerPicker
{
    /// <summary>The one instance.</summary>
    public static NoPeers Instance { get; } = new();

    private NoPeers()
    {
    }

    /// <inheritdoc />
    public IReadOnlyCollection<ICachePeer> Peers => [];

    /// <inheritdoc />
    public IReadOnlyCollection<ICachePeer> RingPeers => [];

    /// <inheritdoc />
    public bool TryPickPeer(string key, [NotNullWhen(true)] out ICachePeer? peer)
    {
        peer = null;
        return false;
    }
}
