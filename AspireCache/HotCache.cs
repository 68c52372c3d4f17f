namespace AspireCache;

/// <summary>
/// Copies of values that other nodes own and this node keeps asking for, so that a hot key costs no
/// network hop per get and does not pin its owner's network.
/// </summary>
/// <remarks>
/// Admission follows measured demand: every get of a key that another node owns is counted in a
/// <see cref="FrequencySketch"/>, and a fetched value is kept only when its key was asked at least
/// <see cref="AdmitAfter"/> times in the sketch's window. A key asked once is never kept, so a scan of
/// distinct keys cannot flush the hot keys out; a key asked twice is kept from its second fetch on.
/// (groupcache keeps a random tenth of all fetched values, hot or not.) The copies live in a store of
/// their own, bounded by the group's hot share of its capacity, least recently used first out.
/// </remarks>
internal sealed class HotCache
{
    /// <summary>How many recent asks make a key hot.</summary>
    public const int AdmitAfter = 2;

    private readonly FrequencySketch _demand;

    public HotCache(long capacityBytes)
    {
        Store = new LruStore(capacityBytes);

        // Sized for many more keys than the store can hold (values of ~1 KiB), so that the demand of
        // keys that are not (yet) kept is measured too.
        _demand = new FrequencySketch((int)Math.Min(capacityBytes / 256, 1 << 22));
    }

    public LruStore Store { get; }

    /// <summary>Counts one get of a key that another node owns.</summary>
    public void RecordDemand(string key) => _demand.Increment(key);

    /// <summary>Keeps a fetched value if its key is in demand.</summary>
    /// <returns>True when the value was kept.</returns>
    public bool Offer(string key, ReadOnlyMemory<byte> value) =>
        _demand.Estimate(key) >= AdmitAfter && Store.Add(key, value);
}
