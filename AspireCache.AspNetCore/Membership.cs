using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>
/// The member set this node has now, and whether its peers have the same one. Nodes with different
/// member sets compute different owners for some keys and load them twice, so every peer request carries
/// the sender's <see cref="MembershipFingerprint"/> in <see cref="Header"/>; a receiver whose own differs
/// counts it (<c>aspirecache.membership.disagreements</c>) and logs it, at most once a minute. The
/// fingerprint and the set's size are also gauges, so that a dashboard shows which nodes disagree and for how long.
/// </summary>
/// <remarks>
/// The set starts as <c>Cache:Members</c>, or as this node alone when the members come from DNS, and is
/// replaced whole by <see cref="LocalNode.ChangeMembership"/>: readers see the old set or the new one.
/// </remarks>
internal sealed partial class Membership
{
    /// <summary>The header that carries the sender's fingerprint on peer requests.</summary>
    public const string Header = "X-Cache-Membership";

    private readonly Counter<long> _disagreements;
    private readonly LogThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly ILogger<Membership> _logger;
    private readonly string _self;
    private volatile MemberSet _current;
    private long _changes;

    public Membership(IOptions<CacheNodeOptions> options, IMeterFactory meters, TimeProvider time, ILogger<Membership> logger)
    {
        CacheNodeOptions settings = options.Value;
        _self = settings.NodeName;
        Source = settings.MembersDnsName.Length > 0 ? "dns" : "static";
        _current = MemberSet.Of(Source == "dns" ? [] : settings.Members, _self, time.GetUtcNow());
        _throttle = new LogThrottle(TimeSpan.FromMinutes(1), time);
        _time = time;
        _logger = logger;

        Meter meter = meters.Create(AspireCacheDiagnostics.MeterName);
        meter.CreateObservableGauge("aspirecache.membership.fingerprint", () => Fingerprint.AsNumber, unit: null, description: "This node's member set as a number (the low 52 bits of its hash): equal on nodes that agree on the members.");
        meter.CreateObservableUpDownCounter("aspirecache.membership.size", () => Members.Count, "{member}", "Members this node has, itself included, whether or not they are in its ring now.");
        meter.CreateObservableCounter("aspirecache.membership.changes", () => Volatile.Read(ref _changes), "{change}", "Times this node's member set changed since it started: a member joined or left.");
        _disagreements = meter.CreateCounter<long>("aspirecache.membership.disagreements", "{request}", "Peer requests whose sender had another member set than this node.");
    }

    /// <summary>Where the members come from: <c>static</c> (Cache:Members) or <c>dns</c> (Cache:MembersDnsName).</summary>
    public string Source { get; }

    /// <summary>The members, this node included, in ordinal order.</summary>
    public IReadOnlyList<string> Members => _current.Members;

    public MembershipFingerprint Fingerprint => _current.Fingerprint;

    /// <summary>The fingerprint as <see cref="Header"/> carries it, made once per member set rather than once per peer request.</summary>
    public string FingerprintText => _current.FingerprintText;

    /// <summary>When the set last changed (or the node started).</summary>
    public DateTimeOffset ChangedAt => _current.ChangedAt;

    /// <summary>Times the set changed since the node started.</summary>
    public long Changes => Volatile.Read(ref _changes);

    /// <summary>Whether <paramref name="member"/> is in the set, this node included.</summary>
    public bool Has(string member)
    {
        IReadOnlyList<string> members = _current.Members;
        for (int i = 0; i < members.Count; i++)
        {
            if (string.Equals(members[i], member, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Replaces the set with <paramref name="members"/> and this node; false when that is the set it has.</summary>
    public bool TryChange(IEnumerable<string> members)
    {
        MemberSet next = MemberSet.Of(members, _self, _time.GetUtcNow());
        if (next.Fingerprint == _current.Fingerprint && next.Members.SequenceEqual(_current.Members, StringComparer.Ordinal))
        {
            return false;
        }

        _current = next;
        Interlocked.Increment(ref _changes);
        return true;
    }

    /// <summary>
    /// Compares a peer request's fingerprint with this node's. A request without one (from a node of an
    /// older version) is not counted: there is nothing to compare.
    /// </summary>
    public void Check(HttpRequest request, string remoteAddress)
    {
        string? sent = request.Headers[Header];
        MemberSet current = _current;
        MembershipFingerprint ours = current.Fingerprint;
        if (sent is null || string.Equals(sent, current.FingerprintText, StringComparison.Ordinal)
            || (MembershipFingerprint.TryParse(sent, out MembershipFingerprint theirs) && theirs == ours))
        {
            return;
        }

        _disagreements.Add(1);
        if (_throttle.TryTake(out long suppressed))
        {
            LogDisagreement(_logger, remoteAddress, sent, ours.ToString(), Members.Count, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A peer at {RemoteAddress} has another member set ({Theirs}) than this node ({Ours}, {Size} members): some keys have two owners until the sets agree ({Suppressed} more such requests since the last line).")]
    private static partial void LogDisagreement(ILogger logger, string remoteAddress, string theirs, string ours, int size, long suppressed);

    private sealed record MemberSet(IReadOnlyList<string> Members, MembershipFingerprint Fingerprint, string FingerprintText, DateTimeOffset ChangedAt)
    {
        public static MemberSet Of(IEnumerable<string> members, string self, DateTimeOffset now)
        {
            string[] sorted = [.. members.Append(self).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            MembershipFingerprint fingerprint = MembershipFingerprint.Of(sorted);
            return new MemberSet(sorted, fingerprint, fingerprint.ToString(), now);
        }
    }
}
