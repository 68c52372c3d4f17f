namespace AspireCache;

/// <summary>Loads a key's value from the data source when no node of the cluster holds it (groupcache's "getter").</summary>
/// <param name="key">The key to load.</param>
/// <param name="cancellationToken">Cancelled when the load should be abandoned; not tied to any one caller.</param>
/// <returns>The value. The cache keeps this memory and hands it out as is, so the loader must not change it afterwards.</returns>
public delegate ValueTask<ReadOnlyMemory<byte>> CacheLoader(string key, CancellationToken cancellationToken);
