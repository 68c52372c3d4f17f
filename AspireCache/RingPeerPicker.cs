using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace AspireCache;

/// <summary>Picks owners with a <see cref="ConsistentHashRing"/> over this node and its peers.</summary>
[DebuggerDisplay("Self = {Self}, Members = {Ring.Members.Count}")]
public sealed class RingPeerPicker : IPeerPicker
{
    private volatile FrozenDictionary<string, ICachePeer> _peers = FrozenDictionary<string, ICachePeer>.Empty;

    /// <summary>Creates a picker for the node named <paramref name="self"/>.</summary>
    public RingPeerPicker(string self, ConsistentHashRing? ring = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(self);
        Self = self;
        Ring = ring ?? new ConsistentHashRing();
        Ring.Add(self);
    }

    /// <summary>This node's member name.</summary>
    public string Self { get; }

    /// <summary>The ring of this node and its peers.</summary>
    public ConsistentHashRing Ring { get; }

    /// <summary>Replaces the peers: the ring then holds this node and exactly these peers.</summary>
    public void SetPeers(IEnumerable<ICachePeer> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        FrozenDictionary<string, ICachePeer> byName = peers
            .Where(p => !string.Equals(p.Name, Self, StringComparison.Ordinal))
            .ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
        _peers = byName;
        Ring.SetMembers(byName.Keys.Append(Self));
    }

    /// <summary>
    /// Keeps only these peers (and this node) in the ring, for example while the others are down; the
    /// peers stay known and can be put back by a later call. Names of unknown peers are ignored.
    /// </summary>
    public void SetRingMembers(IEnumerable<string> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        FrozenDictionary<string, ICachePeer> known = _peers;
        Ring.SetMembers(peers.Where(known.ContainsKey).Append(Self));
    }

    /// <inheritdoc />
    public IReadOnlyCollection<ICachePeer> Peers => _peers.Values;

    /// <inheritdoc />
    public IReadOnlyCollection<ICachePeer> RingPeers
    {
        get
        {
            FrozenDictionary<string, ICachePeer> known = _peers;
            IReadOnlyList<string> members = Ring.Members;
            var peers = new List<ICachePeer>(known.Count);
            foreach ((string name, ICachePeer peer) in known)
            {
                if (members.Contains(name, StringComparer.Ordinal))
                {
                    peers.Add(peer);
                }
            }

            return peers;
        }
    }

    /// <summary>The member name that owns <paramref name="key"/>.</summary>
    public string OwnerOf(string key) => Ring.GetOwner(key) ?? Self;

    /// <inheritdoc />
    public bool TryPickPeer(string key, [NotNullWhen(true)] out ICachePeer? peer)
    {
        string owner = OwnerOf(key);
        if (string.Equals(owner, Self, StringComparison.Ordinal))
        {
            peer = null;
            return false;
        }

        // A ring member without a peer object (a moment of membership change) is treated as this node.
        return _peers.TryGetValue(owner, out peer);
    }
}
