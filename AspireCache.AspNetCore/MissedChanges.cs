namespace AspireCache.AspNetCore;

/// <summary>
/// The changes (removals, writes, clears) that members of the cluster missed, as the node that took them
/// knows it: per member, the groups it must clear before it may serve them again.
/// </summary>
/// <remarks>
/// <para>
/// A member misses a change when it does not acknowledge it, or when it is out of this node's ring and
/// so is not told. Each member asks this node for its debts in its status request (see
/// <see cref="PeerStatusEndpoints"/>), clears the groups named, and acknowledges; until then this node
/// keeps naming them. A member that cannot ask stops trusting its memory when its
/// <see cref="MemoryLease"/> runs out.
/// </para>
/// <para>
/// Before a change answers that a member did not acknowledge, this node waits until that member's
/// lease has surely run out: its last "nothing owed" answer from this node (or this node's start, if it
/// has given none since), plus the lease. From then on the member either has cleared or clears before it
/// serves. The debts live in memory only: a restart of this node forgets them.
/// </para>
/// <para>
/// When the members change (DNS membership), a member that this node did not know could not be told either.
/// So a member that joins owes every group that this node passed a change of since the member could have
/// been serving: since it left this node's members, for one that comes back, or since one
/// <see cref="JoinLookback"/> ago, for a new one. A member that leaves owes nothing at once (it may still
/// answer hand-offs while it drains), only if it comes back.
/// </para>
/// <para>
/// Every table is keyed by names of this node's members, never by a name a peer merely sends (a status
/// request from a non-member is refused before it gets here), and a name that has not been a member for
/// longer than <see cref="Lease"/> plus <see cref="JoinLookback"/> is forgotten at the next membership
/// change: by then it has stopped trusting its memory (this node answers a non-member's status requests
/// with no renewal), and should it come back it is a new member, which owes what changed within the look-back.
/// </para>
/// </remarks>
internal sealed class MissedChanges(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, long>> _owed = new(StringComparer.Ordinal); // Member → group → change number.
    private readonly Dictionary<string, long> _lastCleanAnswer = new(StringComparer.Ordinal); // Member → timestamp.
    private readonly Dictionary<string, long> _lastChange = new(StringComparer.Ordinal); // Group → timestamp of the last change passed on.
    private readonly Dictionary<string, long> _joinedAt = new(StringComparer.Ordinal); // Member → timestamp.
    private readonly Dictionary<string, long> _leftAt = new(StringComparer.Ordinal); // Member → timestamp.
    private readonly long _startedAt = time.GetTimestamp();
    private long _changes;

    /// <summary>How far back a new member's debts go: the time it may have served before this node knew of it (set by the node from its refresh interval).</summary>
    public TimeSpan JoinLookback { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The members' memory lease (set by the node from its probe settings): a member gone for longer than it plus <see cref="JoinLookback"/> is forgotten.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How many names the tables hold: members, and those that left within the time they are remembered; for tests.</summary>
    internal int TrackedNames
    {
        get
        {
            lock (_lock)
            {
                var names = new HashSet<string>(_owed.Keys, StringComparer.Ordinal);
                names.UnionWith(_lastCleanAnswer.Keys);
                names.UnionWith(_joinedAt.Keys);
                names.UnionWith(_leftAt.Keys);
                return names.Count;
            }
        }
    }

    /// <summary>Records that this node is passing on a change of <paramref name="group"/>, for the members that join later.</summary>
    public void Passing(string group)
    {
        lock (_lock)
        {
            _lastChange[group] = time.GetTimestamp();
        }
    }

    /// <summary>A member joined this node's members: it owes the groups changed since it could have been serving unseen.</summary>
    public void Joined(string member)
    {
        long now = time.GetTimestamp();
        lock (_lock)
        {
            ForgetLongGone(now);
            long since = _leftAt.Remove(member, out long left) ? left : now - (long)(JoinLookback.TotalSeconds * time.TimestampFrequency);
            _joinedAt[member] = now;
            foreach ((string group, long changedAt) in _lastChange)
            {
                if (changedAt >= since)
                {
                    Owe(member, group);
                }
            }
        }
    }

    /// <summary>A member left this node's members: should it come back, it owes what changed meanwhile.</summary>
    public void Left(string member)
    {
        long now = time.GetTimestamp();
        lock (_lock)
        {
            ForgetLongGone(now);
            _leftAt[member] = now;
        }
    }

    /// <summary>Records that <paramref name="member"/> missed a change of <paramref name="group"/>.</summary>
    public void Record(string member, string group)
    {
        lock (_lock)
        {
            Owe(member, group);
        }
    }

    /// <summary>The groups <paramref name="member"/> owes a clear, each with the number of the last change it missed; empty when it owes nothing.</summary>
    public IReadOnlyDictionary<string, long> OwedBy(string member)
    {
        lock (_lock)
        {
            if (_owed.TryGetValue(member, out Dictionary<string, long>? groups) && groups.Count > 0)
            {
                return new Dictionary<string, long>(groups, StringComparer.Ordinal);
            }

            // An answer of "nothing owed" lets the member trust its memory for one more lease from now.
            _lastCleanAnswer[member] = time.GetTimestamp();
            return new Dictionary<string, long>();
        }
    }

    /// <summary>Whether <paramref name="member"/> owes a clear of <paramref name="group"/>; unlike <see cref="OwedBy"/>, this is no answer to the member.</summary>
    public bool Owes(string member, string group)
    {
        lock (_lock)
        {
            return _owed.TryGetValue(member, out Dictionary<string, long>? groups) && groups.ContainsKey(group);
        }
    }

    /// <summary>The member cleared these groups; a change it missed after the numbers given stays owed.</summary>
    public void Acknowledge(string member, IReadOnlyDictionary<string, long> cleared)
    {
        lock (_lock)
        {
            if (!_owed.TryGetValue(member, out Dictionary<string, long>? groups))
            {
                return;
            }

            foreach ((string group, long change) in cleared)
            {
                if (groups.TryGetValue(group, out long owed) && owed <= change)
                {
                    groups.Remove(group);
                }
            }
        }
    }

    /// <summary>How long until every one of <paramref name="members"/> has surely stopped trusting what it held at its last "nothing owed" answer.</summary>
    public TimeSpan UntilLeasesRunOut(IEnumerable<string> members, TimeSpan lease)
    {
        long now = time.GetTimestamp();
        TimeSpan longest = TimeSpan.Zero;
        lock (_lock)
        {
            foreach (string member in members)
            {
                // A member not heard from since this node started (or since it joined, if later) may hold a
                // lease from its previous run, or one it took when it learnt of this node.
                long answeredAt = _lastCleanAnswer.GetValueOrDefault(member, Math.Max(_startedAt, _joinedAt.GetValueOrDefault(member)));
                TimeSpan left = lease - time.GetElapsedTime(answeredAt, now);
                longest = left > longest ? left : longest;
            }
        }

        return longest;
    }

    // Under the lock: called at membership changes, so the tables hold no more names than the members and
    // those that left within the time they are remembered.
    private void ForgetLongGone(long now)
    {
        long forgetBefore = now - (long)((Lease + JoinLookback).TotalSeconds * time.TimestampFrequency);
        List<string>? gone = null;
        foreach ((string member, long leftAt) in _leftAt)
        {
            if (leftAt < forgetBefore)
            {
                (gone ??= []).Add(member);
            }
        }

        foreach (string member in gone ?? [])
        {
            _leftAt.Remove(member);
            _owed.Remove(member);
            _lastCleanAnswer.Remove(member);
            _joinedAt.Remove(member);
        }
    }

    // Under the lock.
    private void Owe(string member, string group)
    {
        if (!_owed.TryGetValue(member, out Dictionary<string, long>? groups))
        {
            _owed[member] = groups = new(StringComparer.Ordinal);
        }

        groups[group] = ++_changes;
    }
}
