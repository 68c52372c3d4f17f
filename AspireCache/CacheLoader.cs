namespace AspireCache;

/// <summary>Loads a key's value from the data source when no node of the cluster holds it (groupcache's "getter").</summary>
/// <param name="key">The key to load.</param>
/// <param name="cancellationToken">Cancelled when the load should be abandoned; not tied to any one caller.</param>
/// <returns>
/// The value, and optionally how long it may be kept. A <c>byte[]</c> or <c>ReadOnlyMemory&lt;byte&gt;</c>
/// converts to a <see cref="LoadedValue"/> kept for the group's time to live.
/// </returns>
/// <exception cref="CacheKeyNotFoundException">The source has no value for the key.</exception>
public delegate ValueTask<LoadedValue> CacheLoader(string key, CancellationToken cancellationToken);
