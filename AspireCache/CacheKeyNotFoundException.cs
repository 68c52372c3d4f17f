namespace AspireCache;

/// <summary>The data source answered that it has no value for the key: an answer, not a failure.</summary>
/// <remarks>
/// A loader throws it (the HTTP loader does on a 404) so that the client hears "no such key" rather
/// than "the source failed". It is never remembered as a failure, so the failure backoff does not
/// apply; a group may remember it for <see cref="CacheGroupOptions.NotFoundTtl"/> instead. An owner
/// passes it on to the asking node, which passes it on to its caller without loading the key itself.
/// </remarks>
public sealed class CacheKeyNotFoundException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public CacheKeyNotFoundException()
        : base("The data source has no value for this key.")
    {
    }

    /// <summary>Creates the exception with a message, which must not quote the key (keys can be personal data).</summary>
    public CacheKeyNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CacheKeyNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
