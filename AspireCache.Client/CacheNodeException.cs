using System.Net;

namespace AspireCache.Client;

/// <summary>A node answered with an error of its own, not about the key's data: the request was not retried elsewhere.</summary>
public class CacheNodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="member">The member that answered.</param>
    /// <param name="statusCode">The HTTP status it answered with.</param>
    /// <param name="message">What it said, without the key.</param>
    public CacheNodeException(string member, HttpStatusCode statusCode, string message)
        : base(message)
    {
        Member = member;
        StatusCode = statusCode;
    }

    /// <summary>The member that answered.</summary>
    public string Member { get; } = string.Empty;

    /// <summary>The HTTP status it answered with.</summary>
    public HttpStatusCode StatusCode { get; }
}
