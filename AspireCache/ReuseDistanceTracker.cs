using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AspireCache;

/// <summary>
/// Exact LRU reuse distances in bytes over a bounded set of keys: for each access, the bytes of the other
/// keys accessed since this key's last access, which is how far down an LRU stack ordered by recency the
/// key has sunk. The store holds a key exactly while that distance plus the key's own size fits its
/// capacity, so one pass over a trace gives the hit ratio at every capacity at once (Mattson et al., 1970).
/// </summary>
/// <remarks>
/// <para>
/// Each access takes the next slot of a logical clock; a Fenwick tree over the slots holds, at the slot of
/// each key's latest access, that key's size, so the bytes accessed since a slot are the live total less a
/// prefix sum: O(log n) per access. When the clock reaches the last slot, the live slots are renumbered
/// 1..n in order (a compaction), which happens at most once per <c>maxKeys</c> accesses.
/// </para>
/// <para>
/// Keys are their 64-bit hashes, so the tracker keeps no key string alive; two keys that share a hash count
/// as one, which with 64 bits and a few thousand keys does not happen in practice. Every array is made in
/// the constructor, so recording allocates nothing. Not safe for concurrent use: its owner
/// (<see cref="HitRatioEstimator"/>) holds the lock.
/// </para>
/// </remarks>
[DebuggerDisplay("Keys = {Count}, Bytes = {Bytes}")]
internal sealed class ReuseDistanceTracker
{
    /// <summary>The distance of a key's first access: it was never in the stack.</summary>
    public const long FirstAccess = -1;

    private readonly Dictionary<ulong, int> _slots; // key → the slot of its latest access
    private readonly long[] _tree;                  // Fenwick tree over slots 1..n of the sizes below
    private readonly long[] _sizes;                 // size of the key whose latest access took this slot; 0 when none
    private readonly ulong[] _keys;                 // the key whose latest access took this slot
    private int _clock;                             // the last slot taken
    private long _bytes;                            // sizes of all keys, each once

    /// <summary>Creates a tracker for at most <paramref name="maxKeys"/> keys at once (one more while its owner evicts).</summary>
    public ReuseDistanceTracker(int maxKeys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);

        // Twice the keys: a compaction then frees at least maxKeys slots, so it costs O(1) per access.
        int slots = (2 * maxKeys) + 2;
        _slots = new Dictionary<ulong, int>(maxKeys + 1);
        _tree = new long[slots + 1];
        _sizes = new long[slots + 1];
        _keys = new ulong[slots + 1];
    }

    /// <summary>The keys tracked.</summary>
    public int Count => _slots.Count;

    /// <summary>The sizes of the tracked keys, each as of its latest access.</summary>
    public long Bytes => _bytes;

    /// <summary>Records an access of <paramref name="key"/> whose entry accounts for <paramref name="size"/> bytes.</summary>
    /// <returns>The bytes of the other keys accessed since this key's last access, or <see cref="FirstAccess"/>.</returns>
    public long Access(ulong key, long size)
    {
        Debug.Assert(size > 0, "Every entry accounts for some bytes; an empty slot is marked by 0.");
        long distance = FirstAccess;

        // A reference into the dictionary's entry: one lookup for the read and the write. It stays valid
        // through the compaction below, which only overwrites values of keys already present.
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, key, out bool seen);
        if (seen)
        {
            distance = _bytes - Prefix(slot);
            Clear(slot);
        }

        if (_clock == _sizes.Length - 1)
        {
            Compact();
        }

        slot = ++_clock;
        _sizes[slot] = size;
        _keys[slot] = key;
        _bytes += size;
        Add(slot, size);
        return distance;
    }

    /// <summary>Stops tracking a key, as if it had never been accessed.</summary>
    public void Forget(ulong key)
    {
        if (_slots.Remove(key, out int slot))
        {
            Clear(slot);
        }
    }

    private void Clear(int slot)
    {
        long size = _sizes[slot];
        _sizes[slot] = 0;
        _bytes -= size;
        Add(slot, -size);
    }

    // Renumbers the live slots 1..n in the order they were taken, and rebuilds the tree in O(slots).
    private void Compact()
    {
        int live = 0;
        for (int slot = 1; slot <= _clock; slot++)
        {
            if (_sizes[slot] == 0)
            {
                continue;
            }

            live++;
            if (live != slot)
            {
                _sizes[live] = _sizes[slot];
                _keys[live] = _keys[slot];
                _sizes[slot] = 0;
            }

            _slots[_keys[live]] = live;
        }

        _clock = live;
        Array.Copy(_sizes, _tree, _sizes.Length);
        for (int i = 1; i < _tree.Length; i++)
        {
            int parent = i + (i & -i);
            if (parent < _tree.Length)
            {
                _tree[parent] += _tree[i];
            }
        }
    }

    private void Add(int slot, long delta)
    {
        for (int i = slot; i < _tree.Length; i += i & -i)
        {
            _tree[i] += delta;
        }
    }

    // The sizes at slots 1..slot.
    private long Prefix(int slot)
    {
        long sum = 0;
        for (int i = slot; i > 0; i -= i & -i)
        {
            sum += _tree[i];
        }

        return sum;
    }
}
