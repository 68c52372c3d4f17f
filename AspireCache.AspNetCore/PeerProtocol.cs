using AspireCache.Client;

namespace AspireCache.AspNetCore;

/// <summary>The names and paths that nodes use with each other; those clients see too are in <see cref="CacheHttpProtocol"/>.</summary>
internal static class PeerProtocol
{
    /// <summary>The name of the HttpClient that nodes use to ask each other.</summary>
    public const string PeerClientName = "aspirecache-peer";

    /// <summary>The name of the HttpClient that loads from the groups' sources.</summary>
    public const string SourceClientName = "aspirecache-source";

    /// <summary>Peers' path: <c>/_peer/{group}/{key}</c>; never forwarded again.</summary>
    public const string PeerPrefix = "/_peer/";

    /// <summary>
    /// Set on a <c>/_peer</c> answer whose headers an owner sent before its load ended, to show that it is
    /// alive and working on the key; the body is then a <see cref="PeerAnswer"/>.
    /// </summary>
    public const string DeferredHeader = "X-Cache-Deferred";

    /// <summary>
    /// On a <c>/_peer</c> value: how many milliseconds it may still be served (negative when stale);
    /// absent when it never expires, 0 when it must not be kept. On a <c>PUT /_peer</c>: the written
    /// value's lifetime, absent for the group's.
    /// </summary>
    public const string TtlHeader = "X-Cache-Ttl-Ms";

    /// <summary>On a <c>/_peer</c> value that expires: how many milliseconds ago it was loaded or written.</summary>
    public const string AgeHeader = "X-Cache-Age-Ms";

    /// <summary>The path of a key of a group on a peer.</summary>
    public static string PeerPath(string group, string key) =>
        $"{PeerPrefix}{CacheKeyPath.Encode(group)}/{CacheKeyPath.Encode(key)}";

    /// <summary>The path of a group's clear on a peer: outside <c>/_peer/</c>, where every path is a key.</summary>
    public static string PeerClearPath(string group, bool hotOnly) =>
        $"/_peer-admin/groups/{CacheKeyPath.Encode(group)}/clear?hotOnly={(hotOnly ? "true" : "false")}";
}
