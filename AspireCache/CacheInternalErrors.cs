using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace AspireCache;

/// <summary>
/// The cache's own bugs, kept apart from the failures of the network, the peers and the data source: an
/// exception that none of them can cause is logged as an error with its stack and counted
/// (<c>aspirecache.internal_errors</c>, by <c>aspirecache.site</c>), and the work it interrupted goes on
/// without blaming a peer: no peer is ejected, paused or reported as silent for it.
/// </summary>
public static partial class CacheInternalErrors
{
    /// <summary>The counter's name.</summary>
    public const string InstrumentName = "aspirecache.internal_errors";

    /// <summary>The tag that says where the error happened.</summary>
    public const string SiteTag = "aspirecache.site";

    /// <summary>Passing a removal, write or clear to a member.</summary>
    public const string Change = "change";

    /// <summary>Fetching a key from its owner.</summary>
    public const string PeerFetch = "peer_fetch";

    /// <summary>Asking a key's previous owner for it after a membership change.</summary>
    public const string HandOff = "hand_off";

    /// <summary>Probing a peer's status.</summary>
    public const string Probe = "probe";

    /// <summary>Logs and counts an internal error.</summary>
    /// <param name="meters">The host's meter factory, as the groups' (<see cref="CacheGroupOptions.MeterFactory"/>); null for the process-wide meter.</param>
    /// <param name="logger">Where the error is logged.</param>
    /// <param name="site">Where it happened: one of this class's constants.</param>
    /// <param name="group">The group the work was for, if any; it tags the count as the group's other metrics are tagged.</param>
    /// <param name="peer">The peer the work was about, if any.</param>
    /// <param name="error">The exception.</param>
    public static void Report(IMeterFactory? meters, ILogger logger, string site, string? group, string? peer, Exception error)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(site);
        ArgumentNullException.ThrowIfNull(error);
        Counter<long> errors = CacheMetrics.For(meters).InternalErrors;
        if (group is null)
        {
            errors.Add(1, new KeyValuePair<string, object?>(SiteTag, site));
        }
        else
        {
            errors.Add(1, new KeyValuePair<string, object?>(SiteTag, site), new KeyValuePair<string, object?>(CacheMetrics.GroupTag, group));
        }

        LogInternalError(logger, error, site, group ?? "none", peer ?? "none");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Internal error at {Site} (group {Group}, peer {Peer}): a bug of the cache, not a failure of the peer, which is not held against it; the work goes on.")]
    private static partial void LogInternalError(ILogger logger, Exception error, string site, string group, string peer);
}
