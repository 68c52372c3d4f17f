using System.Collections.Frozen;
using System.Diagnostics.Metrics;

namespace AspireCache.AspNetCore;

/// <summary>
/// Tracks whether each peer answers, from peer fetches and health probes, and keeps the ring to the
/// peers that do: a peer whose fetches or whose probes fail <c>FailuresToEject</c> times in a row leaves
/// the ring, and one that then answers <c>SuccessesToRejoin</c> probes in a row comes back.
/// </summary>
/// <remarks>
/// Fetches and probes are counted apart: a peer whose <c>/alive</c> answers while its peer API hangs
/// must still be ejected, so a probe's success does not wipe out failed fetches. The table of peers is
/// replaced whole when the membership changes (<see cref="ChangeMembership"/>), so that reads need no lock.
/// </remarks>
internal sealed partial class PeerHealth
{
    private volatile FrozenDictionary<string, Peer> _peers;
    private readonly RingPeerPicker _picker;
    private readonly int _failuresToEject;
    private readonly int _successesToRejoin;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    public PeerHealth(RingPeerPicker picker, IEnumerable<string> peers, CacheNodeOptions options, IMeterFactory meters, TimeProvider time, ILogger<PeerHealth> logger)
    {
        _picker = picker;
        _failuresToEject = options.FailuresToEject;
        _successesToRejoin = options.SuccessesToRejoin;
        _time = time;
        _logger = logger;
        _peers = peers.ToFrozenDictionary(name => name, name => new Peer(time.GetUtcNow()), StringComparer.Ordinal);

        // Observable, so that every peer's series exists (at zero) from the first scrape.
        Meter meter = meters.Create(AspireCacheDiagnostics.MeterName);
        meter.CreateObservableCounter("aspirecache.peer.ejections", () => Observe(p => p.Ejections), "{ejection}", "Times this node took a peer out of its ring.");
        meter.CreateObservableCounter("aspirecache.peer.timeouts", () => Observe(p => p.Timeouts), "{timeout}", "Peer fetches and probes that timed out.");
        meter.CreateObservableUpDownCounter("aspirecache.ring.members", () => _picker.Ring.Members.Count, "{member}", "Members in this node's ring, itself included.");
        meter.CreateObservableGauge("aspirecache.ring.share", () => _picker.Ring.ShareOf(_picker.Self), unit: null, description: "The share of the ring's hash space this node owns, 0 to 1 (1 / members when shares are even): with aspirecache.owned.requests, whether one node carries more than its share.");
    }

    public IEnumerable<string> PeerNames => _peers.Keys;

    /// <summary>
    /// Takes the members' new peers: a peer that stays keeps its state, a new one starts up, and one that
    /// left is forgotten (requests already waiting for it run to their end: a leaving node still answers
    /// while it drains). The ring then holds the new peers that are not down; see
    /// <see cref="RingPeerPicker.ChangeMembership"/> for the hand-off.
    /// </summary>
    public void ChangeMembership(IReadOnlyCollection<ICachePeer> peers, TimeSpan handOffWindow)
    {
        lock (_lock)
        {
            FrozenDictionary<string, Peer> before = _peers;
            _peers = peers.ToFrozenDictionary(p => p.Name, p => before.GetValueOrDefault(p.Name) ?? new Peer(_time.GetUtcNow()), StringComparer.Ordinal);
            _picker.ChangeMembership(peers, _peers.Where(p => p.Value.State != MemberState.Down).Select(p => p.Key), handOffWindow, _time);
            RingChanged?.Invoke();
        }
    }

    /// <summary>Raised after a peer left or rejoined the ring, under this class's lock: keep handlers short.</summary>
    public event Action? RingChanged;

    /// <summary>Whether a peer is in the ring now (not down); read without the lock.</summary>
    public bool IsInRing(string peer) => _peers.TryGetValue(peer, out Peer? state) && state.State != MemberState.Down;

    /// <summary>
    /// Cancelled when <paramref name="peer"/> is taken out of the ring, so that requests waiting for it to
    /// finish a load stop waiting at once; already cancelled while it is down.
    /// </summary>
    public CancellationToken WhenDown(string peer) =>
        // The table of peers and each peer's Down are swapped as a whole: no lock.
        _peers.TryGetValue(peer, out Peer? state) ? Volatile.Read(ref state.Down).Token : CancellationToken.None;

    /// <summary>Each peer's state as /cluster shows it.</summary>
    public IReadOnlyDictionary<string, MemberStatus> Snapshot()
    {
        lock (_lock)
        {
            return _peers.ToDictionary(p => p.Key, p => new MemberStatus(p.Value.State, p.Value.Since, p.Value.LastError), StringComparer.Ordinal);
        }
    }

    public void ReportSuccess(string peer, PeerSignal signal)
    {
        // Every fetch reports; a peer in good standing has nothing to change, and takes no lock for it.
        // A failure reported at the same moment may then keep its count: the verdict errs towards caution.
        if (_peers.TryGetValue(peer, out Peer? known) && known.State == MemberState.Up && Volatile.Read(ref known.Failures[(int)signal]) == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (!_peers.TryGetValue(peer, out Peer? state))
            {
                return;
            }

            state.Failures[(int)signal] = 0;
            if (state.State == MemberState.Suspect && state.Failures.All(count => count == 0))
            {
                Move(state, MemberState.Up);
            }
            else if (state.State == MemberState.Down && signal == PeerSignal.Probe && ++state.ProbeSuccesses >= _successesToRejoin)
            {
                // A fresh start: the fetch failures that ejected it are history.
                Array.Clear(state.Failures);
                Move(state, MemberState.Up);
                LogRejoined(_logger, peer);
                UpdateRing();
            }
        }
    }

    public void ReportFailure(string peer, PeerSignal signal, string error, bool timedOut)
    {
        lock (_lock)
        {
            if (!_peers.TryGetValue(peer, out Peer? state))
            {
                return;
            }

            int failures = ++state.Failures[(int)signal];
            state.ProbeSuccesses = 0;
            state.LastError = error;
            if (timedOut)
            {
                state.Timeouts++;
            }

            if (state.State == MemberState.Up)
            {
                Move(state, MemberState.Suspect);
            }

            if (state.State == MemberState.Suspect && failures >= _failuresToEject)
            {
                Move(state, MemberState.Down);
                state.Ejections++;
                LogEjected(_logger, peer, failures, error);
                UpdateRing();
            }
        }
    }

    private void Move(Peer peer, MemberState state)
    {
        if (state == MemberState.Down)
        {
            // Off the lock's thread: the waiters it wakes report to this class.
            _ = peer.Down.CancelAsync();
        }
        else if (peer.State == MemberState.Down)
        {
            Volatile.Write(ref peer.Down, new CancellationTokenSource());
        }

        peer.State = state;
        peer.Since = _time.GetUtcNow();
    }

    // Called under the lock; the ring swaps its snapshot, so lookups never wait for this.
    private void UpdateRing()
    {
        _picker.SetRingMembers(_peers.Where(p => p.Value.State != MemberState.Down).Select(p => p.Key));
        RingChanged?.Invoke();
    }

    private List<Measurement<long>> Observe(Func<Peer, long> read)
    {
        lock (_lock)
        {
            return [.. _peers.Select(p => new Measurement<long>(read(p.Value), new KeyValuePair<string, object?>("aspirecache.peer", p.Key)))];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Peer {Peer} is down after {Failures} failures in a row ({Error}); its keys go to the other members until it answers again.")]
    private static partial void LogEjected(ILogger logger, string peer, int failures, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Peer {Peer} answers again and is back in the ring.")]
    private static partial void LogRejoined(ILogger logger, string peer);

    private sealed class Peer(DateTimeOffset since)
    {
        public volatile MemberState State = MemberState.Up;

        public DateTimeOffset Since { get; set; } = since;

        public string? LastError { get; set; }

        /// <summary>Cancelled when the peer goes down; replaced when it comes back. A field, read without the lock.</summary>
        public CancellationTokenSource Down = new();

        /// <summary>Failures in a row, by <see cref="PeerSignal"/>.</summary>
        public int[] Failures { get; } = new int[2];

        public int ProbeSuccesses { get; set; }

        public long Ejections { get; set; }

        public long Timeouts { get; set; }
    }
}
