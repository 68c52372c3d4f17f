namespace AspireCache.Client;

/// <summary>
/// No member answered: the key's owner did not (its connection failed, or it was silent and failed its
/// liveness check), and neither did the one member tried instead, or there was none to try.
/// </summary>
public sealed class CacheUnreachableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="members">The members tried, in order.</param>
    /// <param name="innerException">Why the last of them did not answer.</param>
    public CacheUnreachableException(IReadOnlyList<string> members, Exception? innerException)
        : base($"No member answered: tried {string.Join(", ", members)}.", innerException)
    {
        Members = members;
    }

    /// <summary>The members tried, in order.</summary>
    public IReadOnlyList<string> Members { get; }
}
