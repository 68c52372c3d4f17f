using Microsoft.Extensions.Caching.Distributed;

namespace AspireCache.Client;

/// <summary>An <see cref="IDistributedCache"/> over one group of an AspireCache cluster, through an <see cref="ICacheClient"/>.</summary>
/// <remarks>
/// <para>
/// What it cannot do: <b>sliding expiration</b> (a get does not extend a value's life; a
/// <see cref="DistributedCacheEntryOptions.SlidingExpiration"/> throws <see cref="NotSupportedException"/>,
/// and <see cref="Refresh"/> does nothing); lifetimes shorter than a second (the nodes keep whole
/// seconds, rounded up here); lifetimes beyond the group's TimeToLive (the group's is the upper bound).
/// </para>
/// <para>
/// A get of a key that nobody wrote is a read-through: the node asks the group's data source. Use a group
/// without a source, whose misses answer 404, and a get of an unknown key returns null; a group with a
/// source returns whatever the source has. Writes and removals need the cluster's admin secret
/// (<see cref="CacheClientSettings.AdminSecret"/>). The synchronous methods block on the asynchronous ones.
/// </para>
/// </remarks>
public sealed class CacheGroupDistributedCache : IDistributedCache
{
    private readonly ICacheClient _client;
    private readonly TimeProvider _time;

    /// <summary>Creates the cache over <paramref name="group"/>.</summary>
    /// <param name="client">The cluster's client.</param>
    /// <param name="group">The group that holds the values.</param>
    /// <param name="time">The clock that absolute expirations are measured against; the system's by default.</param>
    public CacheGroupDistributedCache(ICacheClient client, string group, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(group);
        _client = client;
        Group = group;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The group that holds the values.</summary>
    public string Group { get; }

    /// <inheritdoc />
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    /// <returns>The value, or null when the group has none for the key (the node answered 404).</returns>
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            CacheGetResult result = await _client.GetAsync(Group, key, token).ConfigureAwait(false);
            return result.Value;
        }
        catch (CacheKeyNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The options ask for a sliding expiration.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The expiration is not in the future.</exception>
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        return _client.WriteAsync(Group, key, value, TimeToLiveOf(options), token);
    }

    /// <summary>Does nothing: values have no sliding expiration to extend.</summary>
    public void Refresh(string key) => ArgumentNullException.ThrowIfNull(key);

    /// <summary>Does nothing: values have no sliding expiration to extend.</summary>
    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _client.RemoveAsync(Group, key, token);
    }

    /// <summary>The sooner of the two absolute expirations, as a time to live; null for the group's own.</summary>
    private TimeSpan? TimeToLiveOf(DistributedCacheEntryOptions options)
    {
        if (options.SlidingExpiration is not null)
        {
            throw new NotSupportedException(
                $"AspireCache does not support sliding expiration: a get does not extend a value's life. Use AbsoluteExpiration or AbsoluteExpirationRelativeToNow (group '{Group}').");
        }

        TimeSpan? timeToLive = options.AbsoluteExpirationRelativeToNow;
        if (options.AbsoluteExpiration is { } at)
        {
            TimeSpan untilThen = at - _time.GetUtcNow();
            timeToLive = timeToLive is { } relative && relative < untilThen ? relative : untilThen;
        }

        if (timeToLive <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeToLive, "The expiration must be in the future.");
        }

        return timeToLive;
    }
}
