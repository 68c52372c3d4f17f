namespace AspireCache;

/// <summary>Another node of the cluster: asked for keys that it owns, and told of removals, writes and clears.</summary>
/// <remarks>Every method acts on the peer's own memory only; a peer never forwards a request to another node.</remarks>
public interface ICachePeer
{
    /// <summary>The peer's member name on the ring.</summary>
    string Name { get; }

    /// <summary>Gets a key of a group from the peer, which serves it from its store or its own loader (<see cref="CacheGroup.ServePeerAsync"/>).</summary>
    /// <returns>The owner's value with its remaining lifetime, age and staleness; the caller sets the source.</returns>
    /// <exception cref="CacheKeyNotFoundException">The owner's source has no such key.</exception>
    /// <exception cref="CacheSourceException">The owner's source failed.</exception>
    /// <exception cref="Exception">Any other failure: the caller then loads the key itself.</exception>
    ValueTask<CacheResult> GetAsync(string group, string key, CancellationToken cancellationToken);

    /// <summary>Removes a key from the peer's store and hot cache (<see cref="CacheGroup.RemoveLocally"/>).</summary>
    /// <exception cref="Exception">The peer did not acknowledge the removal.</exception>
    ValueTask RemoveAsync(string group, string key, CancellationToken cancellationToken);

    /// <summary>Stores a value at the peer, the key's owner (<see cref="CacheGroup.WriteLocally"/>).</summary>
    /// <exception cref="Exception">The peer did not acknowledge the write.</exception>
    ValueTask WriteAsync(string group, string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive, CancellationToken cancellationToken);

    /// <summary>Clears a group at the peer (<see cref="CacheGroup.ClearLocally"/>): everything, or only its hot copies.</summary>
    /// <exception cref="Exception">The peer did not acknowledge the clear.</exception>
    ValueTask ClearAsync(string group, bool hotOnly, CancellationToken cancellationToken);

    /// <summary>
    /// Asks the peer, a key's previous owner, for the value its store holds (<see cref="CacheGroup.ServeHandOff"/>):
    /// after a membership change, the new owner asks before it loads. The peer never loads for this.
    /// </summary>
    /// <returns>The peer's fresh value with its remaining lifetime and age; null when it holds none, or cannot be asked this (a peer of an older version).</returns>
    /// <exception cref="Exception">The peer did not answer: the caller then loads the key.</exception>
    ValueTask<CacheResult?> HandOffAsync(string group, string key, CancellationToken cancellationToken) => ValueTask.FromResult<CacheResult?>(null);
}
