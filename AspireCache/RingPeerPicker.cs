using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace AspireCache;

/// <summary>Picks owners with a <see cref="ConsistentHashRing"/> over this node and its peers.</summary>
[DebuggerDisplay("Self = {Self}, Members = {Ring.Members.Count}")]
public sealed class RingPeerPicker : IPeerPicker
{
    // Changes in quick succession (a rolling scale-up) keep this many rings to ask; each costs a request on a miss.
    private const int MaxRingsHandedOff = 3;

    private readonly Lock _changeLock = new();
    private volatile FrozenDictionary<string, ICachePeer> _peers = FrozenDictionary<string, ICachePeer>.Empty;
    private volatile HandOff? _handOff;

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
    /// Replaces the peers after the cluster's membership changed, with <paramref name="ringMembers"/> (and this
    /// node) in the ring. For <paramref name="handOffWindow"/> after it, an owner about to load a key that moved
    /// asks the key's previous owners first (<see cref="PreviousOwnersOf(string)"/>), departed peers included:
    /// a leaving node still answers while it drains.
    /// </summary>
    /// <remarks>
    /// A change within the window of an earlier one keeps the earlier rings too: a key stored before the first
    /// change is where the first ring put it, and one loaded between the changes where the second did. A node
    /// that knew no peers (one just started) takes the others' ring as the previous one: that is where its keys
    /// were while it was away.
    /// </remarks>
    public void ChangeMembership(IEnumerable<ICachePeer> peers, IEnumerable<string> ringMembers, TimeSpan handOffWindow, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(ringMembers);
        ArgumentNullException.ThrowIfNull(time);
        FrozenDictionary<string, ICachePeer> byName = peers
            .Where(p => !string.Equals(p.Name, Self, StringComparison.Ordinal))
            .ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
        string[] inRing = [.. ringMembers.Where(byName.ContainsKey).Append(Self)];
        lock (_changeLock)
        {
            if (handOffWindow > TimeSpan.Zero)
            {
                long now = time.GetTimestamp();
                HandOff? active = _handOff;
                bool chained = active is not null && now < active.Until;
                ConsistentHashRing previous = Ring.Members.Count > 1
                    ? Ring.WithMembers(Ring.Members)
                    : Ring.WithMembers(inRing.Where(m => !string.Equals(m, Self, StringComparison.Ordinal)));
                var known = new Dictionary<string, ICachePeer>(chained ? active!.Peers : FrozenDictionary<string, ICachePeer>.Empty, StringComparer.Ordinal);
                foreach ((string name, ICachePeer peer) in _peers.Concat(byName))
                {
                    known[name] = peer;
                }

                ConsistentHashRing[] rings = chained ? [previous, .. active!.Rings.Take(MaxRingsHandedOff - 1)] : [previous];
                long since = chained ? active!.Since : ChangeSequence.Last;
                _handOff = new HandOff(rings, known.ToFrozenDictionary(StringComparer.Ordinal), since, now + (long)(handOffWindow.TotalSeconds * time.TimestampFrequency), time);
            }

            _peers = byName;
            Ring.SetMembers(inRing);
        }
    }

    /// <summary>
    /// For a while after membership changes, the peers that owned <paramref name="key"/> before them, the
    /// most recent first, leaving out this node and the key's owner now: an owner about to load the key asks
    /// them first, and a removal or write of the key tells them too.
    /// </summary>
    /// <returns>Empty when no change is recent, or the key did not move from another peer.</returns>
    public IReadOnlyList<ICachePeer> PreviousOwnersOf(string key) => PreviousOwnersOf(key, out _);

    /// <summary>As <see cref="PreviousOwnersOf(string)"/>, with the <see cref="ChangeSequence"/> number at which the first of the changes was made.</summary>
    internal IReadOnlyList<ICachePeer> PreviousOwnersOf(string key, out long since)
    {
        since = long.MaxValue;
        HandOff? handOff = _handOff;
        if (handOff is null)
        {
            return [];
        }

        if (handOff.Time.GetTimestamp() >= handOff.Until)
        {
            // Over: later loads skip all of this. A change that raced in has its own hand-off, which stays.
            Interlocked.CompareExchange(ref _handOff, null, handOff);
            return [];
        }

        since = handOff.Since;
        string owner = OwnerOf(key);
        List<ICachePeer>? previous = null;
        foreach (ConsistentHashRing ring in handOff.Rings)
        {
            if (ring.GetOwner(key) is { } name
                && !string.Equals(name, Self, StringComparison.Ordinal)
                && !string.Equals(name, owner, StringComparison.Ordinal)
                && handOff.Peers.TryGetValue(name, out ICachePeer? peer)
                && (previous is null || !previous.Contains(peer)))
            {
                (previous ??= []).Add(peer);
            }
        }

        return previous ?? (IReadOnlyList<ICachePeer>)[];
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

    /// <summary>
    /// Where keys were before recent membership changes (the most recent ring first), the change number at the
    /// first of them, and until when owners ask there first.
    /// </summary>
    private sealed record HandOff(ConsistentHashRing[] Rings, FrozenDictionary<string, ICachePeer> Peers, long Since, long Until, TimeProvider Time);
}
