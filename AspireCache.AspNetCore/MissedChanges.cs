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
/// </remarks>
internal sealed class MissedChanges(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, long>> _owed = new(StringComparer.Ordinal); // Member → group → change number.
    private readonly Dictionary<string, long> _lastCleanAnswer = new(StringComparer.Ordinal); // Member → timestamp.
    private readonly long _startedAt = time.GetTimestamp();
    private long _changes;

    /// <summary>Records that <paramref name="member"/> missed a change of <paramref name="group"/>.</summary>
    public void Record(string member, string group)
    {
        lock (_lock)
        {
            if (!_owed.TryGetValue(member, out Dictionary<string, long>? groups))
            {
                _owed[member] = groups = new(StringComparer.Ordinal);
            }

            groups[group] = ++_changes;
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
                // A member not heard from since this node started may hold a lease from its previous run.
                long answeredAt = _lastCleanAnswer.GetValueOrDefault(member, _startedAt);
                TimeSpan left = lease - time.GetElapsedTime(answeredAt, now);
                longest = left > longest ? left : longest;
            }
        }

        return longest;
    }
}
