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
    }
}
