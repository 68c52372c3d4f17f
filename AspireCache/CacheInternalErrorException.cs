namespace AspireCache;

/// <summary>
/// A removal, write or clear went to every member, but an internal error (a bug of the cache, see
/// <see cref="CacheInternalErrors"/>), not a peer's failure, stopped it at some of them: whether those
/// members have the change is unknown. It is logged where it happened.
/// </summary>
public sealed class CacheInternalErrorException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="group">The group.</param>
    /// <param name="members">The members at which the change met an internal error.</param>
    /// <param name="innerException">The first of those errors.</param>
    public CacheInternalErrorException(string group, IReadOnlyList<string> members, Exception innerException)
        : base($"An internal error stopped a change of group '{group}' at {string.Join(", ", members)}; every other member was told. See the node's error log.", innerException)
    {
        Group = group;
        Members = members;
    }

    /// <summary>The group.</summary>
    public string Group { get; }

    /// <summary>The members at which the change met an internal error.</summary>
    public IReadOnlyList<string> Members { get; }
}
