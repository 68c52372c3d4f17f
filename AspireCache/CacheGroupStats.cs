namespace AspireCache;

/// <summary>Running totals of one group, read by the metrics and by anyone who wants a snapshot.</summary>
/// <remarks>
/// Plain counters bumped with <see cref="Interlocked"/>, published through observable instruments, so a
/// hit costs two atomic increments whether or not anybody listens.
/// </remarks>
public sealed class CacheGroupStats
{
    internal long GetsCount;
    internal long HitsCount;
    internal long MissesCount;
    internal long LoadsCount;
    internal long LoadErrorsCount;
    internal long CollapsesCount;
    internal long PeerFetchesCount;
    internal long PeerErrorsCount;
    internal long PeerSourceErrorsCount;
    internal long PeerRequestsCount;
    internal long HotHitsCount;
    internal long PeerNotFoundCount;
    internal long LoadsNotFoundCount;
    internal long NegativeHitsCount;
    internal long ValuesTooLargeCount;
    internal long UncacheableCount;

    /// <summary>Client gets (<see cref="CacheGroup.GetAsync"/>), whatever their outcome.</summary>
    public long Gets => Volatile.Read(ref GetsCount);

    /// <summary>Client gets answered from this node's memory: its store or its hot cache.</summary>
    public long Hits => Volatile.Read(ref HitsCount);

    /// <summary>Client gets not served from this node's store: served by a peer or a load, or failed.</summary>
    public long Misses => Volatile.Read(ref MissesCount);

    /// <summary>Calls of the loader that returned a value.</summary>
    public long Loads => Volatile.Read(ref LoadsCount);

    /// <summary>Calls of the loader that threw.</summary>
    public long LoadErrors => Volatile.Read(ref LoadErrorsCount);

    /// <summary>Requests that joined a peer fetch or a load already under way instead of starting one.</summary>
    public long Collapses => Volatile.Read(ref CollapsesCount);

    /// <summary>Fetches from the owner peer that returned a value.</summary>
    public long PeerFetches => Volatile.Read(ref PeerFetchesCount);

    /// <summary>Fetches from the owner peer that failed (the key was then loaded locally).</summary>
    public long PeerErrors => Volatile.Read(ref PeerErrorsCount);

    /// <summary>Fetches whose owner answered that the data source failed; passed on to the caller, not loaded again.</summary>
    public long PeerSourceErrors => Volatile.Read(ref PeerSourceErrorsCount);

    /// <summary>Requests from peers served by this node (<see cref="CacheGroup.GetLocallyAsync"/>).</summary>
    public long PeerRequests => Volatile.Read(ref PeerRequestsCount);

    /// <summary>Client gets answered from the hot cache (a part of <see cref="Hits"/>).</summary>
    public long HotHits => Volatile.Read(ref HotHitsCount);

    /// <summary>Fetches whose owner answered that the source has no such key; passed on to the caller.</summary>
    public long PeerNotFound => Volatile.Read(ref PeerNotFoundCount);

    /// <summary>Calls of the loader that answered that the source has no such key.</summary>
    public long LoadsNotFound => Volatile.Read(ref LoadsNotFoundCount);

    /// <summary>Gets answered "no such key" from the not-found cache, without calling the loader.</summary>
    public long NegativeHits => Volatile.Read(ref NegativeHitsCount);

    /// <summary>Values refused because they were larger than the group's MaxValueBytes.</summary>
    public long ValuesTooLarge => Volatile.Read(ref ValuesTooLargeCount);

    /// <summary>Loaded values served but not stored, because they were larger than the whole store.</summary>
    public long Uncacheable => Volatile.Read(ref UncacheableCount);
}
