namespace AspireCache.AspNetCore;

/// <summary>
/// Logs refused peer and admin requests at most once a second, with how many were refused in between,
/// so that a stranger hammering the node cannot flood the logs (or the log exporter) with one line a request.
/// </summary>
internal sealed partial class SecretRefusalLog(ILogger<SecretRefusalLog> logger, TimeProvider time)
{
    private readonly LogThrottle _throttle = new(TimeSpan.FromSeconds(1), time);

    /// <summary>Counts a refusal on <paramref name="api"/> ("peer" or "admin"), and logs it unless a line went out within the second.</summary>
    public void Refused(string api, SecretCheck check, string remoteAddress)
    {
        // Never the offered value: a near miss of the secret is still most of the secret.
        if (_throttle.TryTake(out long suppressed))
        {
            LogRefused(logger, api, remoteAddress, check, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to the {Api} API from {RemoteAddress}: secret {Check} ({Suppressed} more refused since the last line).")]
    private static partial void LogRefused(ILogger logger, string api, string remoteAddress, SecretCheck check, long suppressed);
}
