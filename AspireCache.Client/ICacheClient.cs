namespace AspireCache.Client;

/// <summary>
/// Gets, writes, removes and clears values of an AspireCache cluster, sending each key's request straight
/// to the member that owns it.
/// </summary>
/// <remarks>
/// A member that does not answer (its connection fails, or it neither answers nor passes a liveness check
/// in time) costs one retry on another member, and is avoided for a while; an HTTP answer, an error
/// included, is never retried, and neither is a member that showed it is alive but is slow
/// (<see cref="CacheTimeoutException"/>). Writes, removals and clears need the cluster's admin secret
/// (<see cref="CacheClientSettings.AdminSecret"/>).
/// </remarks>
public interface ICacheClient
{
    /// <summary>Gets a key's value from its owner, which loads it from the group's source on a miss.</summary>
    /// <param name="group">The group's name.</param>
    /// <param name="key">The key; any string, encoded for the URL here.</param>
    /// <param name="cancellationToken">Cancels the wait (the owner's load goes on for other callers).</param>
    /// <returns>The value and how the node served it.</returns>
    /// <exception cref="InvalidCacheKeyException">The key is empty or longer than the group allows.</exception>
    /// <exception cref="CacheKeyNotFoundException">The group's source has no value for the key (a 404).</exception>
    /// <exception cref="CacheSourceException">The group's source failed (502) or timed out (504, <see cref="CacheSourceException.IsTimeout"/>).</exception>
    /// <exception cref="CacheGroupNotFoundException">The node serves no such group.</exception>
    /// <exception cref="CacheNodeException">A node answered with an error of its own.</exception>
    /// <exception cref="CacheTimeoutException">The member asked is alive but did not finish within <see cref="CacheClientSettings.LoadTimeout"/>.</exception>
    /// <exception cref="CacheUnreachableException">Neither the owner nor the member tried instead answered.</exception>
    Task<CacheGetResult> GetAsync(string group, string key, CancellationToken cancellationToken = default);

    /// <summary>Stores a value for a key on its owner; every member drops the copies it holds.</summary>
    /// <param name="group">The group's name.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="timeToLive">
    /// How long the value may be served, in whole seconds (rounded up); null for the group's time to live,
    /// which is also the upper bound; zero removes the key.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait; the write may still happen.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is negative.</exception>
    /// <exception cref="InvalidCacheKeyException">The key is empty or longer than the group allows.</exception>
    /// <exception cref="CacheValueTooLargeException">The value is larger than the group's MaxValueBytes (a 413); nothing was written.</exception>
    /// <exception cref="CacheInvalidationException">Some members did not acknowledge (a 503); <see cref="CacheInvalidationException.Members"/> names them.</exception>
    /// <exception cref="CacheAccessDeniedException">The admin secret is missing or wrong, or the cluster has writes disabled (401, 403).</exception>
    /// <exception cref="CacheGroupNotFoundException">The node serves no such group.</exception>
    /// <exception cref="CacheNodeException">A node answered with an error of its own.</exception>
    /// <exception cref="CacheTimeoutException">The member asked is alive but did not finish within <see cref="CacheClientSettings.LoadTimeout"/>.</exception>
    /// <exception cref="CacheUnreachableException">Neither the owner nor the member tried instead answered.</exception>
    Task WriteAsync(string group, string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a key from its owner and every member's copies; the next get loads it again.</summary>
    /// <param name="group">The group's name.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait; the removal may still happen.</param>
    /// <exception cref="InvalidCacheKeyException">The key is empty or longer than the group allows.</exception>
    /// <exception cref="CacheInvalidationException">Some members did not acknowledge (a 503); <see cref="CacheInvalidationException.Members"/> names them.</exception>
    /// <exception cref="CacheAccessDeniedException">The admin secret is missing or wrong, or the cluster has writes disabled (401, 403).</exception>
    /// <exception cref="CacheGroupNotFoundException">The node serves no such group.</exception>
    /// <exception cref="CacheNodeException">A node answered with an error of its own.</exception>
    /// <exception cref="CacheTimeoutException">The member asked is alive but did not finish within <see cref="CacheClientSettings.LoadTimeout"/>.</exception>
    /// <exception cref="CacheUnreachableException">Neither the owner nor the member tried instead answered.</exception>
    Task RemoveAsync(string group, string key, CancellationToken cancellationToken = default);

    /// <summary>Empties a group on every member, through any member that answers.</summary>
    /// <param name="group">The group's name.</param>
    /// <param name="cancellationToken">Cancels the wait; the clear may still happen.</param>
    /// <exception cref="CacheInvalidationException">Some members did not acknowledge (a 503); <see cref="CacheInvalidationException.Members"/> names them.</exception>
    /// <exception cref="CacheAccessDeniedException">The admin secret is missing or wrong, or the cluster has writes disabled (401, 403).</exception>
    /// <exception cref="CacheGroupNotFoundException">The node serves no such group.</exception>
    /// <exception cref="CacheNodeException">A node answered with an error of its own.</exception>
    /// <exception cref="CacheTimeoutException">The member asked is alive but did not finish within <see cref="CacheClientSettings.LoadTimeout"/>.</exception>
    /// <exception cref="CacheUnreachableException">Neither member tried answered.</exception>
    Task ClearAsync(string group, CancellationToken cancellationToken = default);
}
