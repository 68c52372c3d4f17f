namespace AspireCache;

/// <summary>How a get was served.</summary>
public enum CacheSource : byte
{
    /// <summary>From this node's store.</summary>
    Hit,

    /// <summary>From this node's hot cache: a copy of a value that another node owns.</summary>
    Hot,

    /// <summary>Fetched from the peer that owns the key.</summary>
    Peer,

    /// <summary>Loaded from the data source by this node.</summary>
    Load,
}
