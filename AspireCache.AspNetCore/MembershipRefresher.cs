using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>
/// Asks the membership source at start and then every <c>MembersRefreshInterval</c>, and gives the node
/// each answer that differs from what it has. A source that fails leaves the members as they were: a DNS
/// server that is restarting must not empty the ring. The fixed list never changes, so it is not asked again.
/// </summary>
internal sealed partial class MembershipRefresher(
    IMembershipSource source,
    LocalNode node,
    IOptions<CacheNodeOptions> options,
    TimeProvider time,
    IMeterFactory meters,
    ILogger<MembershipRefresher> logger) : BackgroundService
{
    private readonly LogThrottle _failureLog = new(TimeSpan.FromMinutes(1), time);
    private readonly LogThrottle _missingSelfLog = new(TimeSpan.FromMinutes(1), time);
    private readonly Counter<long> _failures = meters.Create(AspireCacheDiagnostics.MeterName).CreateCounter<long>(
        "aspirecache.membership.refresh_errors", "{refresh}", "Refreshes of the members whose source (DNS) did not answer; the node kept its last answer.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (source is StaticMembershipSource)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.MembersRefreshInterval, time);
        do
        {
            await RefreshAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // Any failure of the source is a reason to keep the last answer, never to stop asking.
#pragma warning disable CA1031
    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        try
        {
            IReadOnlyList<ClusterMember> members = await source.GetMembersAsync(stoppingToken);
            if (!members.Any(m => string.Equals(m.Name, node.Name, StringComparison.Ordinal)) && _missingSelfLog.TryTake(out long unlisted))
            {
                // Normal for a node that has just started (or is leaving); for good, its NodeName is not its
                // SRV target, and the others know it under another name: some keys then have two owners.
                LogSelfMissing(logger, node.Name, string.Join(", ", members.Select(m => m.Name)), unlisted);
            }

            if (node.ChangeMembership(members))
            {
                LogChanged(logger, members.Count, string.Join(", ", node.Peers.Select(p => $"{p.Name} at {p.Address}")));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
        catch (Exception ex)
        {
            _failures.Add(1);
            if (_failureLog.TryTake(out long suppressed))
            {
                LogFailed(logger, ex.Message, node.Peers.Count + 1, suppressed);
            }
        }
    }
#pragma warning restore CA1031

    [LoggerMessage(Level = LogLevel.Information, Message = "The members changed: {Count} now; the peers are {Peers}.")]
    private static partial void LogChanged(ILogger logger, int count, string peers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node's name {NodeName} is not among the members the source lists ({Members}): expected while it starts or leaves; otherwise set Cache:NodeName to this node's own SRV target, lower case ({Suppressed} more such answers since the last line).")]
    private static partial void LogSelfMissing(ILogger logger, string nodeName, string members, long suppressed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The members could not be read ({Error}); this node keeps its last answer ({Count} members) and asks again ({Suppressed} more failures since the last line).")]
    private static partial void LogFailed(ILogger logger, string error, int count, long suppressed);
}
