using System.Net;

namespace AspireCache.Client;

/// <summary>
/// A node refused a write, removal or clear (401 or 403): the client has no admin secret, a wrong one,
/// or the cluster has writes disabled. Set <see cref="CacheClientSettings.AdminSecret"/> to the cluster's.
/// </summary>
public sealed class CacheAccessDeniedException : CacheNodeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="member">The member that refused.</param>
    /// <param name="statusCode">401 or 403.</param>
    /// <param name="message">Why, as the node said it.</param>
    public CacheAccessDeniedException(string member, HttpStatusCode statusCode, string message)
        : base(member, statusCode, message)
    {
    }
}
