namespace AspireCache.Client;

/// <summary>A member did not answer a request: the one failure the client retries on another member.</summary>
internal sealed class MemberUnansweredException(string member, string reason, Exception? innerException)
    : Exception($"Member {member} did not answer: {reason}.", innerException)
{
    public string Member { get; } = member;

    /// <summary>"connection", "timeout" or "unresolved": the <c>aspirecache.reason</c> of a retry.</summary>
    public string Reason { get; } = reason;
}
