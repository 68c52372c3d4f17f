using System.Collections.Concurrent;
using System.Diagnostics;

namespace AspireCache;

/// <summary>A thread-safe least-recently-used store bounded by the bytes its entries account for.</summary>
/// <remarks>
/// Lookups go through a <see cref="ConcurrentDictionary{TKey, TValue}"/> and never take a lock. A hit
/// does not move its entry itself: it records the hit in a striped <see cref="LruReadBuffer"/>, and the
/// recorded hits are applied to the recency list under the store's one lock, in batches, before every
/// add and whenever a stripe fills up. One thread's hits are applied in the order it made them, so a
/// single caller sees exact LRU order; under contention a hit can be dropped when its stripe is full,
/// which costs at most one entry one move to the front.
/// </remarks>
[DebuggerDisplay("Count = {Count}, Bytes = {Bytes}/{CapacityBytes}")]
public sealed class LruStore
{
    /// <summary>
    /// Bytes accounted for each entry on top of its key and value: the entry object, the dictionary
    /// node and the string header. It keeps a store of many tiny values honest about its memory.
    /// </summary>
    public const int EntryOverheadBytes = 96;

    private readonly ConcurrentDictionary<string, LruEntry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _listLock = new();
    private readonly LruEntry _sentinel = LruEntry.CreateSentinel(); // Next is the newest, Previous the oldest.
    private readonly LruReadBuffer _hits = new();
    private readonly Action<string, ReadOnlyMemory<byte>>? _onEvicted;
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
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        CapacityBytes = capacityBytes;
        _onEvicted = onEvicted;
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

    /// <summary>The bytes an entry accounts for: its key (UTF-16, as held in memory), its value and the fixed overhead.</summary>
    public static long SizeOf(string key, ReadOnlyMemory<byte> value) =>
        ((long)key.Length * sizeof(char)) + value.Length + EntryOverheadBytes;

    /// <summary>Looks a key up and marks it as the most recently used.</summary>
    /// <returns>The stored bytes themselves, not a copy.</returns>
    public bool TryGet(string key, out ReadOnlyMemory<byte> value)
    {
        if (!_entries.TryGetValue(key, out LruEntry? entry))
        {
            value = default;
            return false;
        }

        value = entry.Value;
        Promote(entry);
        return true;
    }

    /// <summary>
    /// Stores a value, replacing any value the key had, and evicts the least recently used entries
    /// until the store fits its capacity again.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value; the store keeps this memory as it is, so the caller must not change it afterwards.</param>
    /// <returns>False when the entry alone is larger than the capacity; it is then not stored (and any old value is removed).</returns>
    public bool Add(string key, ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        long size = SizeOf(key, value);

        lock (_listLock)
        {
            // Earlier hits first, so that the eviction below sees the true recency order.
            ApplyRecordedHits();
            if (_entries.TryRemove(key, out LruEntry? old))
            {
                Unlink(old);
            }

            if (size > CapacityBytes)
            {
                return false;
            }

            // Room is made first, so that Bytes never reads above the capacity, not even mid-add.
            while (_bytes + size > CapacityBytes)
            {
                EvictOldest();
            }

            var entry = new LruEntry(key, value, size);
            _entries[key] = entry;
            LinkAsNewest(entry);
            return true;
        }
    }

    /// <summary>Removes a key.</summary>
    /// <returns>True when the key was present.</returns>
    public bool Remove(string key)
    {
        lock (_listLock)
        {
            if (!_entries.TryRemove(key, out LruEntry? entry))
            {
                return false;
            }

            Unlink(entry);
            return true;
        }
    }

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
        _entries.TryRemove(oldest.Key, out _);
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
