using AspireCache.Client;

namespace AspireCache.AspNetCore;

/// <summary>The names and paths that nodes use with each other; those clients see too are in <see cref="CacheHttpProtocol"/>.</summary>
/// <remarks>
/// The protocol is versioned so that a rolling update can run nodes of two versions side by side. Each node
/// sends its <see cref="Version"/> in <see cref="VersionHeader"/> on every peer request and status answer,
/// and ignores headers it does not know; a request that a peer of an older version would misread (a
/// hand-off, which version 1 would answer by loading) goes only to peers that announced a version that
/// knows it. Version 1 is every node before the header existed (the last of them already sent the member-set
/// fingerprint, <see cref="Membership.Header"/>). Version 2 adds the hand-off (<see cref="HandOffHeader"/>).
/// Version 3 answers a status request from a node that is not one of its members with 409
/// (<see cref="NotAMemberProblem"/>), which the asker counts neither as a failed probe nor as a renewal of its
/// lease; an asker of an older version, which would take the 409 for a failed probe, is answered as before.
/// </remarks>
internal static class PeerProtocol
{
    /// <summary>This node's peer protocol version.</summary>
    public const int Version = 3;

    /// <summary><see cref="Version"/> as the header carries it.</summary>
    public static readonly string VersionText = Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The first version that answers a hand-off from its store only.</summary>
    public const int HandOffVersion = 2;

    /// <summary>The first version that knows the 409 to a status request from a node that is not a member.</summary>
    public const int NotAMemberVersion = 3;

    /// <summary>The problem type of that 409: the asker is not one of this node's members, so it is told nothing and renews no lease.</summary>
    public const string NotAMemberProblem = "urn:aspirecache:problem:not-a-member";

    /// <summary>The most bytes read of a status answer or an acknowledgement: a JSON object of group names and numbers.</summary>
    public const int MaxStatusBytes = 64 * 1024;

    /// <summary>Carries the sender's protocol version on peer requests and on status answers.</summary>
    public const string VersionHeader = "X-Cache-Peer-Protocol";

    /// <summary>
    /// On a <c>GET /_peer</c>: a hand-off, to be answered from the store only, with the value or 204 (see
    /// <see cref="CacheGroup.ServeHandOff"/>); echoed on the answer.
    /// </summary>
    public const string HandOffHeader = "X-Cache-Hand-Off";

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
