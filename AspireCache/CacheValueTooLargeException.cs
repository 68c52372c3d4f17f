namespace AspireCache;

/// <summary>A value was larger than its group's <see cref="CacheGroupOptions.MaxValueBytes"/>; it was not kept, nor read past the limit.</summary>
/// <remarks>
/// A failure of the source's data as far as callers are concerned (a 502 over HTTP), so it derives from
/// <see cref="CacheSourceException"/>: it is remembered for the failure backoff and passed on by an
/// asking node rather than loaded again.
/// </remarks>
public sealed class CacheValueTooLargeException : CacheSourceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was too large, without the key.</param>
    public CacheValueTooLargeException(string message)
        : base(message, isTimeout: false)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public CacheValueTooLargeException()
        : this("The value is larger than the group's MaxValueBytes.")
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CacheValueTooLargeException(string message, Exception innerException)
        : base(message, isTimeout: false, innerException)
    {
    }

    /// <summary>The message for a value of <paramref name="length"/> bytes (or more, when only that much was read) against a limit.</summary>
    public static CacheValueTooLargeException For(string group, long length, long limit, bool atLeast = false) =>
        new($"A value of group '{group}' has {(atLeast ? "more than " : string.Empty)}{length} bytes; the group's MaxValueBytes is {limit}.");
}
