namespace AspireCache.Client;

/// <summary>
/// A member's answer to a get was larger than the client accepts for the group
/// (<see cref="CacheClientSettings.MaxValueBytes"/>, or the group's own in <see cref="CacheClientSettings.Groups"/>):
/// by its <c>Content-Length</c>, before anything was allocated for it, or as read, one byte past the limit.
/// Nothing more of it was read, and its connection is closed rather than used again. Not retried: a node that
/// holds so large a value, or whatever stands between it and the client, would send it again.
/// </summary>
/// <remarks>Unlike <see cref="CacheValueTooLargeException"/>, which a node raises for a value it refused, this is the client refusing an answer.</remarks>
public sealed class CacheAnswerTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="member">The member that answered.</param>
    /// <param name="group">The group asked.</param>
    /// <param name="length">The answer's length by its Content-Length, or null when it had none and was read past the limit.</param>
    /// <param name="limit">The most bytes the client accepts for the group.</param>
    public CacheAnswerTooLargeException(string member, string group, long? length, int limit)
        : base(length is long declared
            ? $"Member {member} answered a get of group '{group}' with {declared} bytes; the client accepts at most {limit} (MaxValueBytes)."
            : $"Member {member} answered a get of group '{group}' with more than {limit} bytes, the most the client accepts (MaxValueBytes).")
    {
        Member = member;
        Group = group;
        Length = length;
        Limit = limit;
    }

    /// <summary>The member that answered.</summary>
    public string Member { get; }

    /// <summary>The group asked.</summary>
    public string Group { get; }

    /// <summary>The answer's declared length; null when it declared none.</summary>
    public long? Length { get; }

    /// <summary>The most bytes the client accepts for the group.</summary>
    public int Limit { get; }
}
