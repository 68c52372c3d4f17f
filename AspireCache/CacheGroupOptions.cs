namespace AspireCache;

/// <summary>Settings of one <see cref="CacheGroup"/>.</summary>
public sealed class CacheGroupOptions
{
    /// <summary>The default capacity: 64 MiB.</summary>
    public const long DefaultCapacityBytes = 64L * 1024 * 1024;

    /// <summary>The default longest key: 250 bytes of UTF-8, memcached's limit.</summary>
    public const int DefaultMaxKeyBytes = 250;

    /// <summary>The most bytes the group's store may account for (see <see cref="LruStore.SizeOf"/>). Default 64 MiB.</summary>
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

    /// <summary>The clock for the failure backoff; the system's unless a test sets another.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>This node's member name, for the owner tag of spans; null leaves the tag off keys this node owns.</summary>
    public string? NodeName { get; set; }

    /// <summary>
    /// Whether spans may carry keys in clear. Default false: keys can be personal data, so spans carry
    /// only a stable hash of each key.
    /// </summary>
    public bool RecordKeys { get; set; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(CapacityBytes, 1, nameof(CapacityBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKeyBytes, 1, nameof(MaxKeyBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxKeyBytes, 64 * 1024, nameof(MaxKeyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(FailureBackoff, TimeSpan.Zero, nameof(FailureBackoff));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
