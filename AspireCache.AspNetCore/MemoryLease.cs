namespace AspireCache.AspNetCore;

/// <summary>
/// Whether this node may serve from its memory: only while every peer in its ring has answered its
/// status request "nothing owed" within the lease. Past it, the node clears all its groups before it
/// serves again, because it may have missed changes that it could not be told of.
/// </summary>
/// <remarks>
/// The lease is <c>(FailuresToEject + 2) × (ProbeInterval + ProbeTimeout)</c>, 6 s by default: longer than
/// it takes to eject a dead peer (whose lease then no longer counts), so a peer's death alone never
/// clears anything. A node that was paused, frozen or cut off from its peers for longer finds its lease
/// run out at its next request. Each peer's lease runs from when the status request was sent, never
/// later than the peer's answer, which is what the node that took a change counts from
/// (<see cref="MissedChanges.UntilLeasesRunOut"/>).
/// </remarks>
internal sealed partial class MemoryLease
{
    private readonly PeerHealth _health;
    private readonly Func<IEnumerable<CacheGroup>> _groups;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, long> _renewedAt; // Peer → timestamp of the request its "nothing owed" answered.
    private readonly Lock _lock = new();
    private readonly long _leaseTimestamps;
    private long _validUntil;

    public MemoryLease(PeerHealth health, Func<IEnumerable<CacheGroup>> groups, CacheNodeOptions options, TimeProvider time, ILogger logger)
    {
        _health = health;
        _groups = groups;
        _time = time;
        _logger = logger;
        Duration = LeaseOf(options);
        _leaseTimestamps = (long)(Duration.TotalSeconds * time.TimestampFrequency);
        long now = time.GetTimestamp();
        _renewedAt = health.PeerNames.ToDictionary(peer => peer, _ => now, StringComparer.Ordinal);
        _validUntil = now + _leaseTimestamps;
        health.RingChanged += RingChanged;
    }

    /// <summary>How long a "nothing owed" answer lets this node trust its memory.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The lease for these settings.</summary>
    public static TimeSpan LeaseOf(CacheNodeOptions options) => (options.FailuresToEject + 2) * (options.ProbeInterval + options.ProbeTimeout);

    /// <summary>A peer answered "nothing owed" (or this node cleared what it owed) to a request sent at <paramref name="requestedAt"/>.</summary>
    public void Renew(string peer, long requestedAt)
    {
        lock (_lock)
        {
            if (_renewedAt.TryGetValue(peer, out long renewed) && requestedAt > renewed)
            {
                _renewedAt[peer] = requestedAt;
            }

            Recompute();
        }
    }

    /// <summary>
    /// Called after the ring changed: a peer out of the ring no longer holds the lease back. A peer that
    /// joined holds it from now, so it has one lease to answer; one that left is forgotten.
    /// </summary>
    public void RingChanged()
    {
        lock (_lock)
        {
            var peers = new HashSet<string>(_health.PeerNames, StringComparer.Ordinal);
            foreach (string gone in _renewedAt.Keys.Where(peer => !peers.Contains(peer)).ToList())
            {
                _renewedAt.Remove(gone);
            }

            long now = _time.GetTimestamp();
            foreach (string joined in peers)
            {
                _renewedAt.TryAdd(joined, now);
            }

            Recompute();
        }
    }

    /// <summary>Before serving from memory: clears every group first if the lease has run out.</summary>
    public void EnsureValid()
    {
        // The common case: one clock read and a comparison.
        if (_time.GetTimestamp() < Volatile.Read(ref _validUntil))
        {
            return;
        }

        lock (_lock)
        {
            long now = _time.GetTimestamp();
            Recompute();
            if (now < _validUntil)
            {
                return;
            }

            foreach (CacheGroup group in _groups())
            {
                group.ClearLocally();
            }

            LogExpired(_logger, Duration.TotalSeconds);
            foreach (string peer in _renewedAt.Keys)
            {
                _renewedAt[peer] = now;
            }

            Recompute();
        }
    }

    // Under the lock: the earliest lease end among the peers in the ring.
    private void Recompute()
    {
        long validUntil = long.MaxValue;
        foreach ((string peer, long renewedAt) in _renewedAt)
        {
            if (_health.IsInRing(peer))
            {
                validUntil = Math.Min(validUntil, renewedAt + _leaseTimestamps);
            }
        }

        Volatile.Write(ref _validUntil, validUntil);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not every peer in the ring answered this node's status request within the {Lease} s lease (was the node paused or cut off?); it cleared its groups before serving again, in case it missed a change.")]
    private static partial void LogExpired(ILogger logger, double lease);
}
