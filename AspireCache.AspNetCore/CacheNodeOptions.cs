namespace AspireCache.AspNetCore;

/// <summary>Who this node is, who its peers are and which groups it serves; bound from the "Cache" section.</summary>
public sealed class CacheNodeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cache";

    /// <summary>This node's member name; its peers resolve it through service discovery (e.g. <c>cache-0</c>).</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>
    /// The names of all members of the cluster, this node included. Each is resolved through service
    /// discovery (<c>services__{name}__http__0</c>), so no address is configured by hand.
    /// </summary>
    public List<string> Members { get; set; } = [];

    /// <summary>
    /// The DNS name whose SRV records are the members, instead of <see cref="Members"/>: in Kubernetes, a
    /// headless Service's <c>_http._tcp.cache.&lt;namespace&gt;.svc.cluster.local</c>. Each record's target
    /// host is a member's name (this node's own is its <see cref="NodeName"/>) and its address is
    /// <c>http://&lt;target's A record&gt;:&lt;record's port&gt;</c>. Re-resolved every
    /// <see cref="MembersRefreshInterval"/>; while the name does not resolve, the node keeps its last answer.
    /// Empty (the default): the members are the fixed <see cref="Members"/>.
    /// </summary>
    public string MembersDnsName { get; set; } = string.Empty;

    /// <summary>
    /// The DNS server asked for <see cref="MembersDnsName"/>, as <c>ip</c> or <c>ip:port</c>. Empty (the
    /// default): the system's resolvers (<c>/etc/resolv.conf</c>), which is what a Kubernetes pod wants.
    /// </summary>
    public string MembersDnsServer { get; set; } = string.Empty;

    /// <summary>
    /// How often <see cref="MembersDnsName"/> is resolved again. Default 5 s: a member that appears or leaves
    /// is in or out of every node's ring within this interval of its record changing (plus the query's time).
    /// </summary>
    public TimeSpan MembersRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after a membership change a key's new owner asks the key's previous owner for its stored
    /// value before it loads from the source (a warm hand-off); the previous owner answers from its store
    /// only. Default 30 s: long enough for the busy keys to be asked for; each miss in it costs one more peer
    /// request. Zero turns the hand-off off.
    /// </summary>
    public TimeSpan HandOffWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The secret the members share; a request to the peer API without it is refused. The AppHost
    /// generates one; outside Aspire, set <c>Cache__PeerSecret</c> to the same random value on every node.
    /// </summary>
    public string PeerSecret { get; set; } = string.Empty;

    /// <summary>
    /// The secret that clients send as <c>Authorization: Bearer &lt;secret&gt;</c> to write, remove and clear
    /// (<c>PUT</c> and <c>DELETE /cache/…</c>, <c>POST /_admin/groups/{group}/clear</c>); the peer secret
    /// does not open these. Unset, the default, those requests answer 403: writes are disabled until
    /// <c>Cache__AdminSecret</c> is set, to the same value on every node and different from the peer secret.
    /// The AppHost generates one (the parameter <c>{cluster}-admin-secret</c>).
    /// </summary>
    public string AdminSecret { get; set; } = string.Empty;

    /// <summary>
    /// The secret of the hash that spans, hot-key lists and the hot-key metric show instead of keys
    /// (HMAC-SHA256, see <see cref="TelemetryKeyHash"/>): required, at least 16 characters, the same on every
    /// node and kept across restarts so that one key has one hash everywhere, and different from the peer and
    /// admin secrets, since clients get it to tag their own spans. The AppHost generates one and keeps it
    /// (the parameter <c>{cluster}-key-hash-secret</c>, saved in the AppHost's user secrets).
    /// </summary>
    public string KeyHashSecret { get; set; } = string.Empty;

    /// <summary>
    /// How long a peer may take to answer before this node loads the key itself. Default 1 s: well
    /// under a group's LoadTimeout, and a stopped peer behind a proxy shows up as a timeout.
    /// </summary>
    public TimeSpan PeerTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often every peer's <c>/alive</c> is probed. Default 1 s.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a probe may take. Default 500 ms.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Failed fetches or probes in a row after which a peer leaves the ring. Default 2.</summary>
    public int FailuresToEject { get; set; } = 2;

    /// <summary>Answered probes in a row after which a peer that was down rejoins the ring. Default 2.</summary>
    public int SuccessesToRejoin { get; set; } = 2;

    /// <summary>The groups this node serves, by name.</summary>
    public Dictionary<string, CacheGroupSettings> Groups { get; set; } = new(StringComparer.Ordinal);
}
