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
/// their own, bounded by the group's hot share of its capacity, least recently used first out. A copy
/// expires when the owner's value does: the owner sends its remaining lifetime with the value.
/// </remarks>
internal sealed class HotCache
{
    /// <summary>How many recent asks make a key hot.</summary>
    public const int AdmitAfter = 2;

    private readonly FrequencySketch _demand;
    private readonly long _capacityBytes;
    private volatile LruStore _store;

    public HotCache(long capacityBytes)
    {
        _capacityBytes = capacityBytes;
        _store = new LruStore(capacityBytes);

        // Sized for many more keys than the store can hold (values of ~1 KiB), so that the demand of
        // keys that are not (yet) kept is measured too.
        _demand = new FrequencySketch((int)Math.Min(capacityBytes / 256, 1 << 22));
    }

    public LruStore Store => _store;

    /// <summary>Counts one get of a key that another node owns.</summary>
    public void RecordDemand(string key) => _demand.Increment(key);

    /// <summary>Keeps a fetched value if its key is in demand and <paramref name="stillCurrent"/> agrees (see <see cref="LruStore"/>).</summary>
    /// <returns>The kept entry, or null.</returns>
    public LruEntry? Offer<TState>(string key, ReadOnlyMemory<byte> value, long loadedAt, long expiresAt, TState state, Func<TState, bool> stillCurrent) =>
        _demand.Estimate(key) >= AdmitAfter ? Store.Add(key, value, loadedAt, expiresAt, state, stillCurrent) : null;

    /// <summary>Drops every copy at once: a new empty store takes the old one's place, which the collector reclaims.</summary>
    public void Clear() => _store = new LruStore(_capacityBytes);
}
