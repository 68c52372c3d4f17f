namespace AspireCache.Client;

/// <summary>
/// The settings of a cache client: bound from <c>AspireCache:Client</c>, then <c>AspireCache:Client:{connectionName}</c>,
/// with the members from <c>ConnectionStrings:{connectionName}</c>; validated when the application starts.
/// </summary>
public sealed class CacheClientSettings
{
    /// <summary>
    /// The cluster's members, comma-separated. Each is a member name, resolved through service discovery
    /// as <c>http://{name}</c> (the variable <c>services__{name}__http__0</c> under Aspire), or
    /// <c>name=http://host:port</c>, an explicit address. The names must be the nodes' own member names:
    /// keys' owners are computed from the names, not the addresses. Set from <c>ConnectionStrings:{connectionName}</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The cluster's admin secret, sent as <c>Authorization: Bearer</c> on writes, removals and clears only. Default none: those are then refused.</summary>
    public string? AdminSecret { get; set; }

    /// <summary>
    /// The cluster's key hash secret (the nodes' <c>Cache:KeyHashSecret</c>), with which the client's spans
    /// carry each key's hash as the nodes' spans do, so that one key can be followed from client to owner.
    /// Default none: the client's spans then carry no key hash (an unkeyed hash of a short key can be reversed).
    /// Under Aspire, WithReference(cluster) sets it.
    /// </summary>
    public string? KeyHashSecret { get; set; }

    /// <summary>
    /// How long a member has to start answering before the client asks its <c>/alive</c> whether it is
    /// there at all. Default 1 s: a hit takes milliseconds, and a stopped node behind a proxy shows up as
    /// silence, not as a refused connection.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long that liveness check may take; a member that answers it with anything is alive. Default 500 ms, as the nodes' own probes.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a request may take in all once its member has shown it is alive: a get that makes the
    /// owner load from a slow source legitimately takes up to the group's LoadTimeout (10 s by default),
    /// and a write waits for every member's acknowledgement. Past it the request fails with
    /// <see cref="CacheTimeoutException"/>, without a retry and without avoiding the member, which is there
    /// but slow. Default 15 s; keep it above the groups' LoadTimeout, so that the node's own 504 arrives first.
    /// </summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The default largest value: 1 MiB, the nodes' default MaxValueBytes.</summary>
    public const int DefaultMaxValueBytes = 1024 * 1024;

    /// <summary>
    /// The largest answer to a get that the client reads, in bytes, for groups not named in <see cref="Groups"/>.
    /// A node never sends a value over its group's MaxValueBytes, so a larger answer is refused before anything is
    /// allocated for it (<see cref="CacheAnswerTooLargeException"/>): a misbehaving node or proxy cannot make the client
    /// allocate what it declares. Default 1 MiB, the nodes' default; under Aspire, WithReference(cluster) sets each group's.
    /// </summary>
    public int MaxValueBytes { get; set; } = DefaultMaxValueBytes;

    /// <summary>Settings per group, by name (<c>AspireCache:Client:{connectionName}:Groups:{group}</c>): a group's own <see cref="CacheClientGroupSettings.MaxValueBytes"/>.</summary>
    public IDictionary<string, CacheClientGroupSettings> Groups { get; } = new Dictionary<string, CacheClientGroupSettings>(StringComparer.Ordinal);

    /// <summary>The largest answer the client reads for <paramref name="group"/>: its own limit, else <see cref="MaxValueBytes"/>.</summary>
    internal int MaxValueBytesOf(string group) =>
        Groups.TryGetValue(group, out CacheClientGroupSettings? settings) && settings.MaxValueBytes is int limit ? limit : MaxValueBytes;

    /// <summary>
    /// How long a member that did not answer is avoided: its keys go to the member that owns them in a ring
    /// without it, as the nodes do once they find it down. Default 10 s: after that one request finds out
    /// whether it is back.
    /// </summary>
    public TimeSpan AvoidFailedMemberFor { get; set; } = TimeSpan.FromSeconds(10);
}
