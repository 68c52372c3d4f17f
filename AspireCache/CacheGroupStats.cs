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
    internal long PeerServesCount;
    internal long HotHitsCount;
    internal long PeerNotFoundCount;
    internal long LoadsNotFoundCount;
    internal long NegativeHitsCount;
    internal long ValuesTooLargeCount;
    internal long UncacheableCount;
    internal long ExpirationsCount;
    internal long RefreshesCount;
    internal long StaleServesCount;
    internal long RemovesCount;
    internal long PeerRemovesCount;
    internal long WritesCount;
    internal long PeerWritesCount;
    internal long ClearsCount;
    internal long PeerClearsCount;
    internal long UnacknowledgedCount;
    internal long HandOffHitsCount;
    internal long HandOffMissesCount;
    internal long HandOffErrorsCount;
    internal long HandOffServesCount;
    internal long OwnedMissesCount;

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

    /// <summary>Requests from peers served by this node (<see cref="CacheGroup.ServePeerAsync"/>).</summary>
    public long PeerServes => Volatile.Read(ref PeerServesCount);

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

    /// <summary>Values found expired by a get (each value counted once); they are then reloaded, or served stale.</summary>
    public long Expirations => Volatile.Read(ref ExpirationsCount);

    /// <summary>Background reloads started by a hit in the last part of a value's lifetime (<see cref="CacheGroupOptions.RefreshAhead"/>).</summary>
    public long Refreshes => Volatile.Read(ref RefreshesCount);

    /// <summary>Gets and peer requests answered with an expired value because its reload failed (<see cref="CacheGroupOptions.StaleIfError"/>).</summary>
    public long StaleServes => Volatile.Read(ref StaleServesCount);

    /// <summary>Removals this node took (<see cref="CacheGroup.RemoveAsync"/>) and passed to the ring.</summary>
    public long Removes => Volatile.Read(ref RemovesCount);

    /// <summary>Removals that peers passed to this node (<see cref="CacheGroup.RemoveLocally"/>).</summary>
    public long PeerRemoves => Volatile.Read(ref PeerRemovesCount);

    /// <summary>Writes this node took (<see cref="CacheGroup.WriteAsync"/>).</summary>
    public long Writes => Volatile.Read(ref WritesCount);

    /// <summary>Writes that peers passed to this node as the key's owner (<see cref="CacheGroup.WriteLocally"/>).</summary>
    public long PeerWrites => Volatile.Read(ref PeerWritesCount);

    /// <summary>Clears this node took (<see cref="CacheGroup.ClearAsync"/>) and passed to the ring.</summary>
    public long Clears => Volatile.Read(ref ClearsCount);

    /// <summary>Clears of this node's part of the group asked by peers, or by the node itself (<see cref="CacheGroup.ClearLocally"/>).</summary>
    public long PeerClears => Volatile.Read(ref PeerClearsCount);

    /// <summary>Members that did not acknowledge a removal, write or clear that this node passed on, counted per member and change.</summary>
    public long Unacknowledged => Volatile.Read(ref UnacknowledgedCount);

    /// <summary>Loads that a key's previous owner answered from its store after a membership change (<see cref="RingPeerPicker.PreviousOwnersOf(string)"/>): the source was not called.</summary>
    public long HandOffHits => Volatile.Read(ref HandOffHitsCount);

    /// <summary>Loads whose key's previous owners did not hold it: the source was called.</summary>
    public long HandOffMisses => Volatile.Read(ref HandOffMissesCount);

    /// <summary>Loads whose key's previous owners did not hold it and one of them could not be asked (unreachable, too slow): the source was called.</summary>
    public long HandOffErrors => Volatile.Read(ref HandOffErrorsCount);

    /// <summary>Hand-off requests from a key's new owner that this node answered from its store (<see cref="CacheGroup.ServeHandOff"/>), held or not.</summary>
    public long HandOffServes => Volatile.Read(ref HandOffServesCount);

    /// <summary>
    /// Requests for keys this node owns: client gets answered from its store, client gets it loaded as the
    /// owner, and peers' requests. Not counted on the hit path: a store hit is a key this node owns (the store
    /// holds nothing else, but for keys loaded while their owner was down).
    /// </summary>
    public long OwnedRequests => (Hits - HotHits) + Volatile.Read(ref OwnedMissesCount) + PeerServes;
}
