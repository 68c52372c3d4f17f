namespace AspireCache;

/// <summary>How a get was served.</summary>
public enum CacheSource
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

/// <summary>A value and how it was served.</summary>
/// <param name="Value">The stored bytes themselves: never change them.</param>
/// <param name="Source">How the get was served.</param>
public readonly record struct CacheResult(ReadOnlyMemory<byte> Value, CacheSource Source);

/// <summary>The names of <see cref="CacheSource"/> values on the wire and in telemetry.</summary>
public static class CacheSourceNames
{
    /// <summary>"hit", "hot", "peer" or "load": the <c>X-Cache-Result</c> header's value and the <c>aspirecache.result</c> tag's.</summary>
    public static string NameOf(CacheSource source) => source switch
    {
        CacheSource.Hit => "hit",
        CacheSource.Hot => "hot",
        CacheSource.Peer => "peer",
        _ => "load",
    };
}
