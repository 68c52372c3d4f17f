using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>
/// The member set this node was given, and whether its peers were given the same one. Nodes with different
/// member sets compute different owners for some keys and load them twice, so every peer request carries
/// the sender's <see cref="MembershipFingerprint"/> in <see cref="Header"/>; a receiver whose own differs
/// counts it (<c>aspirecache.membership.disagreements</c>) and logs it, at most once a minute. The
/// fingerprint and the set's size are also gauges, so that a dashboard shows which nodes disagree and for how long.
/// </summary>
internal sealed partial class Membership
{
    /// <summary>The header that carries the sender's fingerprint on peer requests.</summary>
    public const string Header = "X-Cache-Membership";

    private readonly Counter<long> _disagreements;
    private readonly LogThrottle _throttle;
    private readonly ILogger<Membership> _logger;

    public Membership(IOptions<CacheNodeOptions> options, IMeterFactory meters, TimeProvider time, ILogger<Membership> logger)
    {
        CacheNodeOptions settings = options.Value;
        Members = [.. settings.Members.Append(settings.NodeName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Fingerprint = MembershipFingerprint.Of(Members);
        _throttle = new LogThrottle(TimeSpan.FromMinutes(1), time);
        _logger = logger;

        Meter meter = meters.Create(AspireCacheDiagnostics.MeterName);
        meter.CreateObservableGauge("aspirecache.membership.fingerprint", () => Fingerprint.AsNumber, unit: null, description: "This node's member set as a number (the low 52 bits of its hash): equal on nodes that agree on the members.");
        meter.CreateObservableUpDownCounter("aspirecache.membership.size", () => Members.Count, "{member}", "Members this node was given, itself included, whether or not they are in its ring now.");
        _disagreements = meter.CreateCounter<long>("aspirecache.membership.disagreements", "{request}", "Peer requests whose sender had another member set than this node.");
    }

    /// <summary>The members, this node included, in ordinal order.</summary>
    public IReadOnlyList<string> Members { get; }

    public MembershipFingerprint Fingerprint { get; }

    /// <summary>
    /// Compares a peer request's fingerprint with this node's. A request without one (from a node of an
    /// older version) is not counted: there is nothing to compare.
    /// </summary>
    public void Check(HttpRequest request, string remoteAddress)
    {
        string? sent = request.Headers[Header];
        if (sent is null || (MembershipFingerprint.TryParse(sent, out MembershipFingerprint theirs) && theirs == Fingerprint))
        {
            return;
        }

        _disagreements.Add(1);
        if (_throttle.TryTake(out long suppressed))
        {
            LogDisagreement(_logger, remoteAddress, sent, Fingerprint.ToString(), Members.Count, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A peer at {RemoteAddress} has another member set ({Theirs}) than this node ({Ours}, {Size} members): some keys have two owners until the sets agree ({Suppressed} more such requests since the last line).")]
    private static partial void LogDisagreement(ILogger logger, string remoteAddress, string theirs, string ours, int size, long suppressed);
}
