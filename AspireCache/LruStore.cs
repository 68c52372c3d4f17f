using System.Diagnostics;

namespace AspireCache;

/// <summary>A thread-safe least-recently-used store bounded by the bytes its entries account for.</summary>
/// <remarks>
/// <para>
/// Lookups go through the store's own hash table (<see cref="LruHashTable"/>), whose chain nodes are the
/// entries themselves, and never take a lock; every write (add, remove, evict, resize) takes the store's
/// one lock. While the table grows, a lookup that started before may miss a present key once: callers
/// treat that as any miss and reload. Keys are hashed with <see cref="string.GetHashCode()"/>, which is
/// seeded per process, so that clients cannot pick keys that pile into one chain.
/// </para>
/// <para>
/// A hit does not move its entry itself: it records the hit in a striped <see cref="LruReadBuffer"/>, and
/// the recorded hits are applied to the recency list under the lock, in batches, before every add and
/// whenever a stripe fills up. One thread's hits are applied in the order it made them, so a single
/// caller sees exact LRU order; under contention a hit can be dropped when its stripe is full, which
/// costs at most one entry one move to the front.
/// </para>
/// </remarks>
[DebuggerDisplay("Count = {Count}, Bytes = {Bytes}/{CapacityBytes}")]
internal sealed class LruStore
{
    /// <summary>
    /// Bytes accounted for each entry on top of its key string and value array objects: the entry object
    /// (80 bytes on a 64-bit runtime) and its slot in the hash table's bucket array (8 bytes).
    /// </summary>
    /// <remarks>
    /// The table doubles when it holds more entries than buckets, so it holds between 8 and 16 bytes of
    /// buckets per entry; 8 is what a table that has just filled up holds, and keeps the bound tight.
    /// </remarks>
    public const int EntryOverheadBytes = 88;

    private readonly LruHashTable _table = new();
    private readonly Lock _listLock = new();
    private readonly LruEntry _sentinel = LruEntry.CreateSentinel(); // Next is the newest, Previous the oldest.
    private readonly LruReadBuffer _hits = new();
    private readonly Action<string, ReadOnlyMemory<byte>>? _onEvicted;
    private readonly Func<string, int>? _hash;
    private long _bytes;
    private int _count;
    private long _evictions;
    private long _evictedBytes;

    /// <summary>Creates a store that holds at most <paramref name="capacityBytes"/> accounted bytes.</summary>
    /// <param name="capacityBytes">The most bytes the entries may account for; at least 1.</param>
    /// <param name="onEvicted">
    /// Called for each entry evicted to make room, while the store's lock is held: keep it short and do
    /// not call back into the store from it.
    /// </param>
    public LruStore(long capacityBytes, Action<string, ReadOnlyMemory<byte>>? onEvicted = null)
        : this(capacityBytes, onEvicted, hash: null)
    {
    }

    /// <summary>Creates a store that hashes keys with <paramref name="hash"/>, so that tests can make keys collide.</summary>
    internal LruStore(long capacityBytes, Action<string, ReadOnlyMemory<byte>>? onEvicted, Func<string, int>? hash)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        CapacityBytes = capacityBytes;
        _onEvicted = onEvicted;
        _hash = hash;
    }

    /// <summary>The most bytes the entries may account for.</summary>
    public long CapacityBytes { get; }

    /// <summary>The bytes the current entries account for.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>The number of entries.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>How many entries were evicted to make room, since the store was created.</summary>
    public long Evictions => Volatile.Read(ref _evictions);

    /// <summary>The accounted bytes of all entries evicted to make room.</summary>
    public long EvictedBytes => Volatile.Read(ref _evictedBytes);

    /// <summary>The hash table's bucket count, for tests of resizing.</summary>
    internal int BucketCount => _table.BucketCount;

    /// <summary>
    /// The bytes an entry accounts for: the managed objects it keeps alive, as a 64-bit runtime lays them out.
    /// </summary>
    /// <remarks>
    /// <c>Align8(22 + 2 × key.Length) + Align8(24 + value.Length) + </c><see cref="EntryOverheadBytes"/>,
    /// where <c>Align8</c> rounds up to a multiple of 8. The first term is the key string (16 bytes of
    /// header and method table, a 4-byte length, UTF-16 chars and a 2-byte terminator), the second the
    /// value array (16 bytes of header and method table, an 8-byte length field, the bytes). Both are
    /// counted even when the caller shares them, since the store keeps them alive. For 1,000,000 entries
    /// with 12-char keys and 100-byte values this is 48 + 128 + 88 = 264 bytes each, against 264.4 measured
    /// (<c>bench/README.md</c>).
    /// </remarks>
    public static long SizeOf(string key, ReadOnlyMemory<byte> value) => LruEntry.AccountedBytes(key.Length, value.Length);

    /// <summary>Looks a key up and marks it as the most recently used.</summary>
    /// <returns>The stored bytes themselves, not a copy.</returns>
    /// <remarks>The store itself does not look at expiry: its owner (<see cref="CacheGroup"/>) decides whether a value is fresh.</remarks>
    public bool TryGet(string key, out ReadOnlyMemory<byte> value)
    {
        LruEntry? entry = Find(key);
        value = entry is null ? default : entry.Value;
        return entry is not null;
    }

    /// <summary>Looks a key's entry up and marks it as the most recently used.</summary>
    internal LruEntry? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        LruEntry? entry = _table.Find(key, Hash(key));
        if (entry is not null)
        {
            Promote(entry);
        }

        return entry;
    }

    /// <summary>
    /// Stores a value, replacing any value the key had, and evicts the least recently used entries
    /// until the store fits its capacity again.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">
    /// The value. When it is a whole array the store keeps that array as it is, so the caller must not
    /// change it afterwards; any other memory (a slice, say) is copied once into an array of its own.
    /// </param>
    /// <returns>False when the entry alone is larger than the capacity; it is then not stored (and any old value is removed).</returns>
    public bool Add(string key, ReadOnlyMemory<byte> value) =>
        Add(key, value, LruEntry.Never, LruEntry.Never, 0, static _ => true) is not null;

    /// <summary>
    /// Stores a value with its timestamps if <paramref name="stillCurrent"/>, evaluated under the store's
    /// lock, says so: a removal that takes the lock after bumping what the check reads cannot then be
    /// overtaken by an older value.
    /// </summary>
    /// <returns>The stored entry; null when the check failed or the entry alone is larger than the capacity.</returns>
    internal LruEntry? Add<TState>(string key, ReadOnlyMemory<byte> value, long loadedAt, long expiresAt, TState state, Func<TState, bool> stillCurrent)
    {
        ArgumentNullException.ThrowIfNull(key);
        int hash = Hash(key);
        if (SizeOf(key, value) > CapacityBytes)
        {
            // The new value replaces the old one even though it cannot be kept, if it may replace it at all.
            RemoveIf(key, state, stillCurrent);
            return null;
        }

        LruEntry entry = LruEntry.Create(key, value, hash, loadedAt, expiresAt);
        lock (_listLock)
        {
            if (!stillCurrent(state))
            {
                return null;
            }

            // Earlier hits first, so that the eviction below sees the true recency order.
            ApplyRecordedHits();

            // The old entry leaves the recency list (and the accounting) now, but stays in the table until
            // the new one takes its place, so that lookups of the key never miss meanwhile.
            LruEntry? old = _table.Find(key, hash);
            if (old is not null)
            {
                Unlink(old);
            }

            // Room is made first, so that Bytes never reads above the capacity, not even mid-add.
            long size = entry.Size;
            while (_bytes + size > CapacityBytes)
            {
                EvictOldest();
            }

            LruEntry? replaced = _table.Set(entry);
            Debug.Assert(replaced == old, "The table and the recency list hold the same entries.");
            LinkAsNewest(entry);
            return entry;
        }
    }

    /// <summary>Removes a key.</summary>
    /// <returns>True when the key was present.</returns>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Remove(key, Hash(key));
    }

    /// <summary>Removes a key if <paramref name="stillCurrent"/>, evaluated under the store's lock, says so (see <see cref="Add{TState}"/>).</summary>
    internal bool RemoveIf<TState>(string key, TState state, Func<TState, bool> stillCurrent)
    {
        ArgumentNullException.ThrowIfNull(key);
        int hash = Hash(key);
        lock (_listLock)
        {
            return stillCurrent(state) && Remove(key, hash);
        }
    }

    private bool Remove(string key, int hash)
    {
        lock (_listLock)
        {
            LruEntry? entry = _table.Remove(key, hash);
            if (entry is null)
            {
                return false;
            }

            Unlink(entry);
            return true;
        }
    }

    private int Hash(string key) => _hash is null ? key.GetHashCode() : _hash(key);

    private void Promote(LruEntry entry)
    {
        // Most hits end here; one in a stripe's worth tries to apply the batch, unless another thread is.
        if (!_hits.Record(entry) || !_listLock.TryEnter())
        {
            return;
        }

        try
        {
            ApplyRecordedHits();
        }
        finally
        {
            _listLock.Exit();
        }
    }

    // Called under the list lock.
    private void ApplyRecordedHits() => _hits.Drain(this, static (store, entry) =>
    {
        // The entry may have been replaced or evicted since its hit was recorded.
        if (entry.IsLinked)
        {
            Detach(entry);
            store.AttachAsNewest(entry);
        }
    });

    private void EvictOldest()
    {
        LruEntry oldest = _sentinel.Previous!;
        _table.Remove(oldest.Key, oldest.Hash);
        Unlink(oldest);
        _evictions++;
        _evictedBytes += oldest.Size;
        _onEvicted?.Invoke(oldest.Key, oldest.Value);
    }

    private void LinkAsNewest(LruEntry entry)
    {
        AttachAsNewest(entry);
        _bytes += entry.Size;
        _count++;
    }

    private void Unlink(LruEntry entry)
    {
        Detach(entry);
        _bytes -= entry.Size;
        _count--;
    }

    private void AttachAsNewest(LruEntry entry)
    {
        entry.Previous = _sentinel;
        entry.Next = _sentinel.Next;
        _sentinel.Next!.Previous = entry;
        _sentinel.Next = entry;
    }

    private static void Detach(LruEntry entry)
    {
        entry.Previous!.Next = entry.Next;
        entry.Next!.Previous = entry.Previous;
        entry.Previous = null;
        entry.Next = null;
    }
}
