namespace AspireCache.AspNetCore;

/// <summary>
/// Logs status requests from names that are not members at most once a minute, with how many came in
/// between: a DNS joiner asks every second until the others list it, and a departed node until it stops.
/// </summary>
internal sealed partial class NonMemberStatusLog(ILogger<NonMemberStatusLog> logger, TimeProvider time)
{
    private readonly LogThrottle _throttle = new(TimeSpan.FromMinutes(1), time);

    public void Asked(string member, string remoteAddress)
    {
        if (_throttle.TryTake(out long suppressed))
        {
            LogAsked(logger, member, remoteAddress, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A status request from {RemoteAddress} names {Member}, which is not one of this node's members: not answered until it is (a joiner not yet listed, or a node that left; {Suppressed} more such requests since the last line).")]
    private static partial void LogAsked(ILogger logger, string member, string remoteAddress, long suppressed);
}
