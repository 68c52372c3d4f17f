namespace AspireCache.Node;

/// <summary>The names and paths that nodes use with each other and with clients.</summary>
internal static class PeerProtocol
{
    /// <summary>The name of the HttpClient that nodes use to ask each other.</summary>
    public const string PeerClientName = "aspirecache-peer";

    /// <summary>The name of the HttpClient that loads from the groups' sources.</summary>
    public const string SourceClientName = "aspirecache-source";

    /// <summary>Peers' path: <c>/_peer/{group}/{key}</c>; never forwarded again.</summary>
    public const string PeerPrefix = "/_peer/";

    /// <summary>How a get was served: hit, peer or load.</summary>
    public const string ResultHeader = "X-Cache-Result";

    /// <summary>The member that owns the key.</summary>
    public const string OwnerHeader = "X-Cache-Owner";

    /// <summary>
    /// Set by a node on a 404/502/504 from <c>/_peer</c> when its data source answered it (no such key) or
    /// failed, as opposed to the node itself (an unknown group, an error of its own).
    /// </summary>
    public const string SourceErrorHeader = "X-Cache-Source-Error";

    /// <summary>
    /// Set on a <c>/_peer</c> answer whose headers an owner sent before its load ended, to show that it is
    /// alive and working on the key; the body is then a <see cref="PeerAnswer"/>.
    /// </summary>
    public const string DeferredHeader = "X-Cache-Deferred";

    /// <summary>The path of a key of a group on a peer.</summary>
    public static string PeerPath(string group, string key) =>
        $"{PeerPrefix}{CacheKeyPath.Encode(group)}/{CacheKeyPath.Encode(key)}";
}
