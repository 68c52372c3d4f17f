namespace AspireCache;

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
