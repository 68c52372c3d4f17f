namespace AspireCache;

/// <summary>Thrown for a key that no group accepts: empty, or longer than the group's maximum.</summary>
public sealed class InvalidCacheKeyException : ArgumentException
{
    /// <summary>Creates the exception with a message that says what is wrong with the key.</summary>
    public InvalidCacheKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public InvalidCacheKeyException()
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public InvalidCacheKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
