using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace AspireCache;

/// <summary>Settings of one <see cref="CacheGroup"/>.</summary>
public sealed class CacheGroupOptions
{
    /// <summary>The default capacity: 64 MiB.</summary>
    public const long DefaultCapacityBytes = 64L * 1024 * 1024;

    /// <summary>The default longest key: 250 bytes of UTF-8, memcached's limit.</summary>
    public const int DefaultMaxKeyBytes = 250;

    /// <summary>
    /// The most bytes the group's store and hot cache together may account for: each entry's key string
    /// and value array as the runtime lays them out, and 88 bytes of overhead per entry. Default 64 MiB.
    /// </summary>
    public long CapacityBytes { get; set; } = DefaultCapacityBytes;

    /// <summary>The longest key accepted, in UTF-8 bytes. Default 250.</summary>
    public int MaxKeyBytes { get; set; } = DefaultMaxKeyBytes;

    /// <summary>The default failure backoff: 500 ms.</summary>
    public static readonly TimeSpan DefaultFailureBackoff = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long after a failed load the key's source is left alone: gets of that key in this time fail
    /// at once with the same error. It keeps clients that retry a failing key from turning into a storm
    /// on the source. Zero turns it off. Default 500 ms.
    /// </summary>
    public TimeSpan FailureBackoff { get; set; } = DefaultFailureBackoff;

    /// <summary>The default load timeout: 10 s.</summary>
    public static readonly TimeSpan DefaultLoadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a load may take, waiting for a load slot included, before every caller waiting on it gets
    /// a timeout (<see cref="CacheSourceException.IsTimeout"/>). Default 10 s.
    /// </summary>
    public TimeSpan LoadTimeout { get; set; } = DefaultLoadTimeout;

    /// <summary>The default bound on concurrent loads: 32.</summary>
    public const int DefaultMaxConcurrentLoads = 32;

    /// <summary>
    /// How many loads of this group may call the source at once on this node; more wait for a slot within
    /// their <see cref="LoadTimeout"/>. Default 32: a burst of cold keys on three nodes then opens at most
    /// 96 calls, under the 100 connections a database such as PostgreSQL accepts by default, while a
    /// source answering in 10 ms still serves 3,200 loads a second per node.
    /// </summary>
    public int MaxConcurrentLoads { get; set; } = DefaultMaxConcurrentLoads;

    /// <summary>The default largest value: 1 MiB.</summary>
    public const int DefaultMaxValueBytes = 1024 * 1024;

    /// <summary>
    /// The largest value accepted from the source or a peer, in bytes; a larger one fails as a
    /// <see cref="CacheValueTooLargeException"/> and is never buffered past this limit. Default 1 MiB,
    /// memcached's item limit: values that large fit a peer's timeout and a store of 64 MiB many times
    /// over, and larger blobs belong in a blob store, not in every node's memory.
    /// </summary>
    public int MaxValueBytes { get; set; } = DefaultMaxValueBytes;

    /// <summary>The default hot share: one eighth, as in groupcache.</summary>
    public const double DefaultHotCacheShare = 0.125;

    /// <summary>
    /// The share of <see cref="CapacityBytes"/> set aside for the hot cache: copies of in-demand values
    /// that other nodes own. The main store gets the rest, so both together never exceed the capacity.
    /// 0 turns the hot cache off; at most 0.5. Default 0.125.
    /// </summary>
    public double HotCacheShare { get; set; } = DefaultHotCacheShare;

    /// <summary>
    /// How long a source's "no such key" (<see cref="CacheKeyNotFoundException"/>) is remembered: gets of
    /// that key at its owner get the same answer without asking the source. Default zero: off, since a key
    /// that is created at the source should be found at once.
    /// </summary>
    public TimeSpan NotFoundTtl { get; set; }

    /// <summary>
    /// How long a loaded value may be served before it is loaded again; zero, the default, keeps values
    /// until they are evicted, as groupcache does. A source can shorten it per value
    /// (<see cref="LoadedValue.TimeToLive"/>, HTTP's <c>Cache-Control: max-age</c>), never lengthen it. An
    /// expired value is not served (except under <see cref="StaleIfError"/>); the next get reloads it
    /// through the same single flight as a miss.
    /// </summary>
    public TimeSpan TimeToLive { get; set; }

    /// <summary>The default jitter: 10 %.</summary>
    public const double DefaultTimeToLiveJitter = 0.1;

    /// <summary>
    /// The share by which a loaded value's lifetime is shortened at random, from 0 up to this share, so
    /// that keys loaded together do not all expire, and reload, together. The lifetime never grows, so
    /// the time to live stays an upper bound. Default 0.1; at most 0.5.
    /// </summary>
    public double TimeToLiveJitter { get; set; } = DefaultTimeToLiveJitter;

    /// <summary>
    /// The last share of a value's lifetime in which a hit starts one background reload, so that a key in
    /// use is refreshed before it expires and its callers never wait for the source. For example 0.2: a
    /// hit in the last fifth of a 60 s lifetime refreshes. Zero, the default, turns it off; less than 1.
    /// </summary>
    public double RefreshAhead { get; set; }

    /// <summary>
    /// How long past its expiry a value may still be served when its reload fails or times out (RFC
    /// 5861's <c>stale-if-error</c>): callers then get the old value, marked stale, instead of an error,
    /// and the source is retried no more often than the <see cref="FailureBackoff"/>. A source's "no such
    /// key" is an answer, not a failure: it is passed on. Zero, the default, turns it off.
    /// </summary>
    public TimeSpan StaleIfError { get; set; }

    /// <summary>The clock for lifetimes, the failure backoff, the not-found cache and the load timeout; the system's unless a test sets another.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where the group's instruments come from: a host passes its <see cref="IMeterFactory"/>, so that each
    /// host publishes only its own groups. Null, the default, publishes on one process-wide meter named
    /// <see cref="AspireCacheDiagnostics.MeterName"/>, where two groups of the same name would add up.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// Where the group logs what it must: internal errors (<see cref="CacheInternalErrors"/>), which are bugs
    /// of the cache, never a failure of a peer or the source. Null, the default, logs nothing.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>This node's member name, for the owner tag of spans; null leaves the tag off keys this node owns.</summary>
    public string? NodeName { get; set; }

    /// <summary>
    /// Whether spans and the node's hot-key lists may show keys in clear (metrics never do). Default false: keys
    /// can be personal data, so telemetry shows only each key's <see cref="TelemetryKeyHash"/> (when a <see cref="KeyHashSecret"/> is set).
    /// </summary>
    public bool RecordKeys { get; set; }

    /// <summary>
    /// The secret of the hash that spans and hot-key lists show instead of keys (<see cref="TelemetryKeyHash"/>):
    /// a random value of at least 16 characters, the same on every node and client of the cluster and kept
    /// across restarts, so that one key has one hash everywhere. Null, the default, leaves the hash off: an
    /// unkeyed hash of a short key can be reversed by hashing guesses.
    /// </summary>
    public string? KeyHashSecret { get; set; }

    /// <summary>The window over which hot keys' rates are counted: 10 s, two of Prometheus's usual scrapes.</summary>
    public static readonly TimeSpan HotKeyWindow = TimeSpan.FromSeconds(10);

    /// <summary>The default number of hot keys tracked: 10.</summary>
    public const int DefaultHotKeys = 10;

    /// <summary>
    /// How many of its most requested keys the group finds on this node (<see cref="CacheGroup.HotKeys"/>),
    /// with their rates over the last complete window of 10 s, in 8 counters per key shown (at least 64). A
    /// window counts every get while they are fewer than about 4,096, else a random sample of about that many,
    /// so a hit on a busy node pays a thread-local decrement and a counted get a few steps of a small heap.
    /// Default 10; 0 turns it off.
    /// </summary>
    public int HotKeys { get; set; } = DefaultHotKeys;

    /// <summary>Whether the hot-key tracker counts every get however many there are: for tests that need exact counts.</summary>
    internal bool HotKeysCountEveryGet { get; set; }

    /// <summary>
    /// Whether the group estimates the hit ratio its store would have at ½, 2 and 4 times its capacity (its
    /// miss-ratio curve, <see cref="CacheGroup.EstimateHitRatio"/>). It samples keys by a hash: a key not
    /// sampled costs one hash per access, a sampled one the estimator's bookkeeping. With fewer than 16,384
    /// keys half of them are sampled, which measured about 75 ns more per store hit on one thread (twice the
    /// cost of a hit) and 1.8× per hit with both cores reading; so it is off by default: turn it on to ask
    /// what more memory would buy. About 750 KB per group.
    /// </summary>
    public bool MissRatioCurve { get; set; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(CapacityBytes, 1, nameof(CapacityBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKeyBytes, 1, nameof(MaxKeyBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxKeyBytes, 64 * 1024, nameof(MaxKeyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(FailureBackoff, TimeSpan.Zero, nameof(FailureBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LoadTimeout, TimeSpan.Zero, nameof(LoadTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentLoads, 1, nameof(MaxConcurrentLoads));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueBytes, 1, nameof(MaxValueBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxValueBytes, 1024 * 1024 * 1024, nameof(MaxValueBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(HotCacheShare, 0, nameof(HotCacheShare));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HotCacheShare, 0.5, nameof(HotCacheShare));
        ArgumentOutOfRangeException.ThrowIfLessThan(NotFoundTtl, TimeSpan.Zero, nameof(NotFoundTtl));
        ArgumentOutOfRangeException.ThrowIfLessThan(TimeToLive, TimeSpan.Zero, nameof(TimeToLive));
        ArgumentOutOfRangeException.ThrowIfLessThan(TimeToLiveJitter, 0, nameof(TimeToLiveJitter));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TimeToLiveJitter, 0.5, nameof(TimeToLiveJitter));
        ArgumentOutOfRangeException.ThrowIfLessThan(RefreshAhead, 0, nameof(RefreshAhead));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(RefreshAhead, 1, nameof(RefreshAhead));
        ArgumentOutOfRangeException.ThrowIfLessThan(StaleIfError, TimeSpan.Zero, nameof(StaleIfError));
        ArgumentOutOfRangeException.ThrowIfLessThan(HotKeys, 0, nameof(HotKeys));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HotKeys, 1000, nameof(HotKeys));
        if (KeyHashSecret is { Length: < TelemetryKeyHash.MinSecretLength })
        {
            throw new ArgumentException($"A key hash secret must have at least {TelemetryKeyHash.MinSecretLength} characters.", nameof(KeyHashSecret));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
