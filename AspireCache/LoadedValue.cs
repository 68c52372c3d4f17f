namespace AspireCache;

/// <summary>A value from the data source, and how long the cache may keep it.</summary>
/// <param name="Value">The value. The cache keeps this memory and hands it out as is, so the loader must not change it afterwards.</param>
/// <param name="TimeToLive">
/// How long the value may be served from now on: null for the group's <see cref="CacheGroupOptions.TimeToLive"/>,
/// <see cref="TimeSpan.Zero"/> to serve it to the callers waiting for it without keeping it (HTTP's
/// <c>no-store</c>). The group's time to live, when it has one, is the upper bound.
/// </param>
public readonly record struct LoadedValue(ReadOnlyMemory<byte> Value, TimeSpan? TimeToLive = null)
{
    /// <summary>A value kept for the group's time to live.</summary>
    public static implicit operator LoadedValue(ReadOnlyMemory<byte> value) => new(value);

    /// <summary>A value kept for the group's time to live.</summary>
    public static implicit operator LoadedValue(byte[] value) => new(value);
}
