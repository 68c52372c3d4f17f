namespace AspireCache;

/// <summary>A group's rules for how long values live: time to live, jitter, refresh ahead and stale-if-error.</summary>
/// <remarks>Times are <see cref="CacheClock"/> ticks; an entry that does not expire has <see cref="LruEntry.Never"/>.</remarks>
internal sealed class ValueLifetimes(CacheGroupOptions options)
{
    /// <summary>The expiry of a value that must be served but not kept (a lifetime of zero, HTTP's <c>no-store</c>).</summary>
    public const long DoNotKeep = long.MinValue;

    private readonly long _timeToLive = options.TimeToLive.Ticks; // Zero: values do not expire.
    private readonly double _jitter = options.TimeToLiveJitter;
    private readonly double _refreshAhead = options.RefreshAhead;
    private readonly long _staleIfError = options.StaleIfError.Ticks;

    /// <summary>The expiry of a loaded value: the source's lifetime or the group's, whichever is shorter, less jitter.</summary>
    public long ExpiryOfLoad(TimeSpan? requested, long now)
    {
        long lifetime = Lifetime(requested);
        if (lifetime is LruEntry.Never or DoNotKeep)
        {
            return lifetime;
        }

        // Shortened, never lengthened, so that the time to live stays an upper bound.
        lifetime -= (long)(lifetime * _jitter * Random.Shared.NextDouble());
        return lifetime > 0 ? Add(now, lifetime) : DoNotKeep;
    }

    /// <summary>The expiry of a written value: the writer's lifetime or the group's, whichever is shorter; no jitter.</summary>
    public long ExpiryOfWrite(TimeSpan? requested, long now)
    {
        long lifetime = Lifetime(requested);
        return lifetime is LruEntry.Never or DoNotKeep ? lifetime : Add(now, lifetime);
    }

    /// <summary>True when a hit at <paramref name="now"/> falls in the last <see cref="CacheGroupOptions.RefreshAhead"/> share of the value's lifetime.</summary>
    public bool IsDueForRefresh(LruEntry entry, long now) =>
        _refreshAhead > 0
        && entry.ExpiresAt != LruEntry.Never
        && now >= entry.ExpiresAt - (long)((entry.ExpiresAt - entry.LoadedAt) * _refreshAhead);

    /// <summary>True when an expired value is still within <see cref="CacheGroupOptions.StaleIfError"/> of its expiry.</summary>
    public bool MayServeStale(LruEntry entry, long now) =>
        _staleIfError > 0 && entry.ExpiresAt != LruEntry.Never && now - entry.ExpiresAt < _staleIfError;

    public CacheResult Fresh(LruEntry entry, CacheSource source, long now) => entry.ExpiresAt == LruEntry.Never
        ? new CacheResult(entry.Value, source)
        : new CacheResult(entry.Value, source) { TimeToLive = TimeSpan.FromTicks(entry.ExpiresAt - now), Age = TimeSpan.FromTicks(now - entry.LoadedAt) };

    public CacheResult Stale(LruEntry entry, CacheSource source, long now) =>
        new(entry.Value, source) { TimeToLive = TimeSpan.FromTicks(entry.ExpiresAt - now), Age = TimeSpan.FromTicks(now - entry.LoadedAt), IsStale = true };

    public CacheResult Loaded(ReadOnlyMemory<byte> value, long expiresAt, long now) => expiresAt switch
    {
        LruEntry.Never => new CacheResult(value, CacheSource.Load),
        DoNotKeep => new CacheResult(value, CacheSource.Load) { TimeToLive = TimeSpan.Zero },
        _ => new CacheResult(value, CacheSource.Load) { TimeToLive = TimeSpan.FromTicks(expiresAt - now) },
    };

    // A lifetime of years (TimeSpan.MaxValue, say) must not wrap around into the past.
    private static long Add(long now, long lifetime) => lifetime >= LruEntry.Never - now ? LruEntry.Never : now + lifetime;

    // In ticks: Never when neither the group nor the value sets one, DoNotKeep for zero or less.
    private long Lifetime(TimeSpan? requested)
    {
        if (requested is not { } asked)
        {
            return _timeToLive > 0 ? _timeToLive : LruEntry.Never;
        }

        if (asked <= TimeSpan.Zero)
        {
            return DoNotKeep;
        }

        return _timeToLive > 0 ? Math.Min(asked.Ticks, _timeToLive) : asked.Ticks;
    }
}
