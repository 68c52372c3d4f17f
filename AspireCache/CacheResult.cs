namespace AspireCache;

/// <summary>A value, how it was served, and how fresh it is.</summary>
/// <param name="Value">The stored bytes themselves: never change them.</param>
/// <param name="Source">How the get was served.</param>
public readonly record struct CacheResult(ReadOnlyMemory<byte> Value, CacheSource Source)
{
    // Ticks, with a sentinel for "does not expire": a TimeSpan? would take 16 bytes, and every hit copies
    // this struct a few times on its way out.
    private const long Never = long.MinValue;
    private readonly long _timeToLive = Never;
    private readonly long _age;

    /// <summary>How much longer the value may be served; null when it does not expire. Zero or less for a stale value.</summary>
    public TimeSpan? TimeToLive
    {
        get => _timeToLive == Never ? null : TimeSpan.FromTicks(_timeToLive);
        init => _timeToLive = value is { } ttl ? ttl.Ticks : Never;
    }

    /// <summary>How long ago the value was loaded from the data source (or written); zero for a value that does not expire.</summary>
    public TimeSpan Age
    {
        get => TimeSpan.FromTicks(_age);
        init => _age = value.Ticks;
    }

    /// <summary>
    /// True when the value had expired and is served because its reload failed
    /// (<see cref="CacheGroupOptions.StaleIfError"/>).
    /// </summary>
    public bool IsStale { get; init; }
}
