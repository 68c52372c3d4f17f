namespace AspireCache;

/// <summary>The data source failed to produce a value, or took too long: an answer about the data, not about a node.</summary>
/// <remarks>
/// A loader throws it to say that the source itself failed. When an owner peer answers with it, the asking
/// node passes it on instead of loading the key itself: the source was just tried, and trying it again from
/// every node would multiply the load on a source that is already failing.
/// </remarks>
public class CacheSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, without the key (keys can be personal data).</param>
    /// <param name="isTimeout">True when the source did not answer in time.</param>
    /// <param name="innerException">The cause, if any.</param>
    public CacheSourceException(string message, bool isTimeout, Exception? innerException = null)
        : base(message, innerException) => IsTimeout = isTimeout;

    /// <summary>Creates the exception with no message.</summary>
    public CacheSourceException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CacheSourceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CacheSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when the source did not answer in time.</summary>
    public bool IsTimeout { get; }
}
