namespace AspireCache.Client;

/// <summary>
/// A member showed it was alive (it answered its liveness check, or started answering) but did not finish
/// the request within <see cref="CacheClientSettings.LoadTimeout"/>. Not retried elsewhere, and the member is
/// not avoided: it is there, only slow, and another member would have to do the same slow work.
/// </summary>
public sealed class CacheTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="member">The member that was asked.</param>
    /// <param name="timeout">How long the request was given.</param>
    /// <param name="innerException">The cancellation that ended the wait.</param>
    public CacheTimeoutException(string member, TimeSpan timeout, Exception? innerException)
        : base($"Member {member} is alive but did not finish the request within {timeout} (LoadTimeout).", innerException)
    {
        Member = member;
        Timeout = timeout;
    }

    /// <summary>The member that was asked.</summary>
    public string Member { get; }

    /// <summary>How long the request was given: <see cref="CacheClientSettings.LoadTimeout"/>.</summary>
    public TimeSpan Timeout { get; }
}
