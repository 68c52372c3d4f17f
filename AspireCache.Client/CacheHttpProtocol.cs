namespace AspireCache.Client;

/// <summary>The HTTP contract between a cache node and its clients: paths, headers and problem types.</summary>
/// <remarks>
/// A get is <c>GET /cache/{group}/{key}</c>; a write <c>PUT</c> and a removal <c>DELETE</c> on the same path,
/// and a clear <c>POST /_admin/groups/{group}/clear</c>, each with <c>Authorization: Bearer</c> and the
/// cluster's admin secret. Group and key are each one path segment, encoded with <see cref="CacheKeyPath"/>.
/// Errors are RFC 9457 problem details; the types below tell apart the ones a client must act on.
/// </remarks>
public static class CacheHttpProtocol
{
    /// <summary>How a get was served: <c>hit</c>, <c>hot</c>, <c>peer</c> or <c>load</c> (see <see cref="CacheSourceNames"/>).</summary>
    public const string ResultHeader = "X-Cache-Result";

    /// <summary>The member that owns the key, as the answering node's ring says.</summary>
    public const string OwnerHeader = "X-Cache-Owner";

    /// <summary><c>true</c> on a value served past its expiry because its reload failed.</summary>
    public const string StaleHeader = "X-Cache-Stale";

    /// <summary>Set on a 404, 502 or 504 that the group's data source caused (no such key, a failure, a timeout), as opposed to the node.</summary>
    public const string SourceErrorHeader = "X-Cache-Source-Error";

    /// <summary>The problem type of a 404 for a key that the group's source does not have.</summary>
    public const string NoSuchKeyProblem = "urn:aspirecache:problem:no-such-key";

    /// <summary>The problem type of a 404 for a group that the node does not serve.</summary>
    public const string UnknownGroupProblem = "urn:aspirecache:problem:unknown-group";

    /// <summary>The problem type of a 503 for a write, removal or clear that some members did not acknowledge; its <c>members</c> names them.</summary>
    public const string NotAcknowledgedProblem = "urn:aspirecache:problem:not-acknowledged";

    /// <summary>
    /// The problem type of a 500 for a write, removal or clear that an internal error of the node (a bug,
    /// logged at the node) stopped at some members, whom its <c>members</c> names; every other member was told.
    /// </summary>
    public const string InternalErrorProblem = "urn:aspirecache:problem:internal-error";

    /// <summary>The problem type of a 413 for a written value over the group's MaxValueBytes.</summary>
    public const string ValueTooLargeProblem = "urn:aspirecache:problem:value-too-large";

    /// <summary>
    /// The problem type of a 400 for a key that the group refuses (empty, too long, malformed); the node's
    /// other 400s (a write's unreadable Cache-Control, say) are not about the key.
    /// </summary>
    public const string InvalidKeyProblem = "urn:aspirecache:problem:invalid-key";

    /// <summary>The liveness path every node answers cheaply; a client asks it when a node is slow to answer.</summary>
    public const string AlivePath = "/alive";

    /// <summary>The path of a key of a group: <c>/cache/{group}/{key}</c>, both encoded as single segments.</summary>
    public static string KeyPath(string group, string key)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(key);
        return string.Concat("/cache/", CacheKeyPath.Encode(group), "/", CacheKeyPath.Encode(key));
    }

    /// <summary>The path that clears a group on every member: <c>/_admin/groups/{group}/clear</c>.</summary>
    public static string ClearPath(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return string.Concat("/_admin/groups/", CacheKeyPath.Encode(group), "/clear");
    }
}
