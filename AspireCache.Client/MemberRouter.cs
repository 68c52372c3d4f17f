using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace AspireCache.Client;

/// <summary>
/// Picks the member to ask for a key: its owner on the nodes' ring, or, while that member is avoided after
/// failing to answer, its owner on a ring of the members that are not avoided (where the nodes send its
/// keys once they find it down).
/// </summary>
/// <remarks>
/// The ring is the nodes' own construction: the same member names, points per member (the nodes always use
/// <see cref="ConsistentHashRing.DefaultPointsPerMember"/>) and hash. Avoidance
/// changes are rare and rebuild an immutable snapshot under a lock; picks read the snapshot without one.
/// </remarks>
internal sealed class MemberRouter
{
    private readonly ConsistentHashRing _all;
    private readonly string[] _members;
    private readonly long _avoidTicks;
    private readonly TimeProvider _time;
    private readonly Lock _writeLock = new();
    private readonly ConcurrentDictionary<string, ConsistentHashRing> _ringsWithout = new(StringComparer.Ordinal);
    private volatile Snapshot _snapshot;

    public MemberRouter(IReadOnlyList<string> members, TimeSpan avoidFor, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(members);
        _members = [.. members];
        _time = time;
        _avoidTicks = (long)(avoidFor.TotalSeconds * time.TimestampFrequency);
        _all = new ConsistentHashRing();
        _all.Add(_members);
        _snapshot = new Snapshot(_all, FrozenDictionary<string, long>.Empty, long.MaxValue);
    }

    /// <summary>The key's owner on the whole ring: where the request goes while every member answers.</summary>
    public string OwnerOf(string key) => _all.GetOwner(key)!;

    /// <summary>The member to ask first: the owner among the members not avoided (among all, when every one is).</summary>
    public string Pick(string key)
    {
        Snapshot snapshot = Current();
        return snapshot.Live.GetOwner(key) ?? _all.GetOwner(key)!;
    }

    /// <summary>The member to ask after <paramref name="failed"/> did not answer: another one, or null when there is none.</summary>
    public string? PickInstead(string key, string failed)
    {
        string? live = Current().Live.GetOwner(key);
        if (live is not null && !string.Equals(live, failed, StringComparison.Ordinal))
        {
            return live;
        }

        // Every other member is avoided too: try the owner among all but the failed one anyway.
        ConsistentHashRing without = _ringsWithout.GetOrAdd(failed, static (name, self) => self.RingWithout(name), this);
        return without.GetOwner(key);
    }

    /// <summary>Avoids a member for the configured time: its keys go to their owners among the others.</summary>
    public void Avoid(string member)
    {
        if (_avoidTicks <= 0)
        {
            return;
        }

        lock (_writeLock)
        {
            Dictionary<string, long> avoided = new(_snapshot.AvoidedUntil, StringComparer.Ordinal)
            {
                [member] = _time.GetTimestamp() + _avoidTicks,
            };
            _snapshot = Build(avoided);
        }
    }

    /// <summary>True while the member is avoided.</summary>
    public bool IsAvoided(string member) => Current().AvoidedUntil.ContainsKey(member);

    private Snapshot Current()
    {
        Snapshot snapshot = _snapshot;
        if (_time.GetTimestamp() < snapshot.NextExpiry)
        {
            return snapshot;
        }

        lock (_writeLock)
        {
            long now = _time.GetTimestamp();
            snapshot = _snapshot;
            if (now >= snapshot.NextExpiry)
            {
                snapshot = Build(snapshot.AvoidedUntil.Where(a => a.Value > now).ToDictionary(StringComparer.Ordinal));
                _snapshot = snapshot;
            }

            return snapshot;
        }
    }

    private Snapshot Build(Dictionary<string, long> avoidedUntil)
    {
        if (avoidedUntil.Count == 0)
        {
            return new Snapshot(_all, FrozenDictionary<string, long>.Empty, long.MaxValue);
        }

        var live = new ConsistentHashRing();
        live.Add(_members.Where(m => !avoidedUntil.ContainsKey(m)));
        return new Snapshot(live, avoidedUntil.ToFrozenDictionary(StringComparer.Ordinal), avoidedUntil.Values.Min());
    }

    private ConsistentHashRing RingWithout(string member)
    {
        var ring = new ConsistentHashRing();
        ring.Add(_members.Where(m => !string.Equals(m, member, StringComparison.Ordinal)));
        return ring;
    }

    private sealed record Snapshot(ConsistentHashRing Live, FrozenDictionary<string, long> AvoidedUntil, long NextExpiry);
}
