using System.Diagnostics.Metrics;

namespace AspireCache.AspNetCore;

/// <summary>One group of a node: its limits and the HTTP source it loads from (unless its source is given in code, or it has none).</summary>
public sealed class CacheGroupSettings
{
    /// <summary>The store's capacity in bytes. Default 64 MiB.</summary>
    public long CapacityBytes { get; set; } = CacheGroupOptions.DefaultCapacityBytes;

    /// <summary>The longest key in UTF-8 bytes. Default 250.</summary>
    public int MaxKeyBytes { get; set; } = CacheGroupOptions.DefaultMaxKeyBytes;

    /// <summary>
    /// The service that holds the data, by its service-discovery name (e.g. <c>demobackend</c>). Required
    /// unless the group's source is given in code (<c>AddGroup</c>) or the group has none (<see cref="NoSource"/>).
    /// </summary>
    public string SourceService { get; set; } = string.Empty;

    /// <summary>
    /// True for a group without a source: it holds only the values written to it, and a get of any other
    /// key answers "no such key" (404). Default false.
    /// </summary>
    public bool NoSource { get; set; }

    /// <summary>The path of a key at the source; <c>{key}</c> is replaced by the percent-encoded key. Default <c>/data/{key}</c>.</summary>
    public string SourcePath { get; set; } = "/data/{key}";

    /// <summary>How long a load from the source may take, waiting for a load slot included, before every waiting caller gets a timeout. Default 10 s.</summary>
    public TimeSpan LoadTimeout { get; set; } = CacheGroupOptions.DefaultLoadTimeout;

    /// <summary>How many loads may call the source at once on this node; more wait for a slot within LoadTimeout. Default 32.</summary>
    public int MaxConcurrentLoads { get; set; } = CacheGroupOptions.DefaultMaxConcurrentLoads;

    /// <summary>The largest value accepted from the source or a peer, in bytes. Default 1 MiB.</summary>
    public int MaxValueBytes { get; set; } = CacheGroupOptions.DefaultMaxValueBytes;

    /// <summary>The share of CapacityBytes kept for hot copies of other nodes' values; 0 turns it off. Default 0.125.</summary>
    public double HotCacheShare { get; set; } = CacheGroupOptions.DefaultHotCacheShare;

    /// <summary>How long the source's 404 for a key is remembered at its owner; zero turns it off. Default zero.</summary>
    public TimeSpan NotFoundTtl { get; set; }

    /// <summary>How long after a failed load the key's source is left alone; callers get the same failure meanwhile. Default 500 ms.</summary>
    public TimeSpan FailureBackoff { get; set; } = CacheGroupOptions.DefaultFailureBackoff;

    /// <summary>Whether spans and the hot-key lists of <c>/hotkeys</c> and <c>/cluster</c> may show this group's keys in clear; otherwise only their keyed hash (metrics never show keys). Default false.</summary>
    public bool RecordKeys { get; set; }

    /// <summary>How many of its most requested keys the group finds on each node (<c>GET /hotkeys</c>, the gauge <c>aspirecache.hot_key.rate</c>); 0 turns it off. Default 10.</summary>
    public int HotKeys { get; set; } = CacheGroupOptions.DefaultHotKeys;

    /// <summary>
    /// How long a value may be served before it is loaded again; zero, the default, keeps values until
    /// they are evicted. The source's <c>Cache-Control</c> can shorten it per value, never lengthen it.
    /// </summary>
    public TimeSpan TimeToLive { get; set; }

    /// <summary>The share, 0 to 0.5, by which each value's lifetime is shortened at random so that keys loaded together do not expire together. Default 0.1.</summary>
    public double TimeToLiveJitter { get; set; } = CacheGroupOptions.DefaultTimeToLiveJitter;

    /// <summary>The last share of a value's lifetime, 0 to less than 1, in which a hit starts one background reload; zero, the default, turns it off.</summary>
    public double RefreshAhead { get; set; }

    /// <summary>How long past its expiry a value may still be served, marked stale, when its reload fails; zero, the default, turns it off.</summary>
    public TimeSpan StaleIfError { get; set; }

    /// <summary>
    /// Whether the group estimates the hit ratio it would have with ½, 2 and 4 times its capacity (the gauge
    /// <c>aspirecache.hit_ratio.estimated</c>); it costs time on every store hit, see <see cref="CacheGroupOptions.MissRatioCurve"/>. Default false.
    /// </summary>
    public bool MissRatioCurve { get; set; }

    /// <summary>
    /// The engine's options for this group on the node named <paramref name="nodeName"/>, timed by
    /// <paramref name="time"/> (the system's clock when null), publishing on the meters of <paramref name="meters"/>,
    /// showing keys in telemetry as their hash under <paramref name="keyHashSecret"/>.
    /// </summary>
    internal CacheGroupOptions ToGroupOptions(string? nodeName = null, TimeProvider? time = null, IMeterFactory? meters = null, string? keyHashSecret = null, ILoggerFactory? loggers = null) => new()
    {
        LoggerFactory = loggers,
        KeyHashSecret = keyHashSecret,
        HotKeys = HotKeys,
        CapacityBytes = CapacityBytes,
        MaxKeyBytes = MaxKeyBytes,
        NodeName = nodeName,
        RecordKeys = RecordKeys,
        FailureBackoff = FailureBackoff,
        LoadTimeout = LoadTimeout,
        MaxConcurrentLoads = MaxConcurrentLoads,
        MaxValueBytes = MaxValueBytes,
        HotCacheShare = HotCacheShare,
        NotFoundTtl = NotFoundTtl,
        TimeToLive = TimeToLive,
        TimeToLiveJitter = TimeToLiveJitter,
        RefreshAhead = RefreshAhead,
        StaleIfError = StaleIfError,
        MissRatioCurve = MissRatioCurve,
        TimeProvider = time ?? TimeProvider.System,
        MeterFactory = meters,
    };
}
