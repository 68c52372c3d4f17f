namespace AspireCache;

/// <summary>How a get was served.</summary>
public enum CacheSource
{
    /// <summary>From this node's store.</summary>
    Hit,

    /// <summary>Fetched from the peer that owns the key.</summary>
    Peer,

    /// <summary>Loaded from the data source by this node.</summary>
    Load,
}

/// <summary>A value and how it was served.</summary>
/// <param name="Value">The stored bytes themselves: never change them.</param>
/// <param name="Source">How the get was served.</param>
public readonly record struct CacheResult(ReadOnlyMemory<byte> Value, CacheSource Source);
