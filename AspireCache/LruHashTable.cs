namespace AspireCache;

/// <summary>
/// The key index of an <see cref="LruStore"/>: a chained hash table whose chain nodes are the entries
/// themselves, read without a lock and written only under the store's lock.
/// </summary>
/// <remarks>
/// <para>
/// A lookup reads the bucket array and every chain link with a volatile read, and
/// writers publish with a volatile write only entries that are fully built, so a
/// lookup sees either the old or the new state of each link, and every entry it sees whole. An entry
/// taken out of a chain keeps its own link, so a lookup standing on it walks on to the rest of the chain.
/// Outside a resize every chain is a plain list, so a present key is always found.
/// </para>
/// <para>
/// A resize relinks the existing entries into a new bucket array, one chain at a time. A lookup still
/// walking the old array may be led from an old chain into a new one and miss its key: a spurious miss,
/// which the store's callers take as a miss and reload. It cannot loop: relinking goes from the head of
/// each old chain to its tail, an entry's old link only leads further down its old chain, and a new link
/// only leads to an entry relinked earlier, whose new link was published before it.
/// </para>
/// <para>Keys are hashed by the caller with a seeded hash, so that clients cannot choose keys that collide.</para>
/// </remarks>
internal sealed class LruHashTable
{
    private const int InitialBuckets = 16;
    private const int MaxBuckets = 1 << 30;

    private LruEntry?[] _buckets = new LruEntry?[InitialBuckets]; // A power of two.
    private int _count;

    /// <summary>The bucket count, for tests of resizing.</summary>
    internal int BucketCount => Volatile.Read(ref _buckets).Length;

    /// <summary>Finds the entry of a key, without a lock.</summary>
    public LruEntry? Find(string key, int hash)
    {
        LruEntry?[] buckets = Volatile.Read(ref _buckets);
        LruEntry? entry = Volatile.Read(ref buckets[hash & (buckets.Length - 1)]);
        while (entry is not null)
        {
            if (entry.Hash == hash && string.Equals(entry.Key, key))
            {
                return entry;
            }

            entry = Volatile.Read(ref entry.ChainNext);
        }

        return null;
    }

    /// <summary>Adds an entry, or puts it in the place of the entry with its key; under the store's lock.</summary>
    /// <returns>The entry replaced, if any.</returns>
    public LruEntry? Set(LruEntry entry)
    {
        ref LruEntry? link = ref LinkTo(entry.Key, entry.Hash);
        LruEntry? replaced = link;
        if (replaced is not null)
        {
            // In place, so that lookups of the key never miss it while it is replaced.
            entry.ChainNext = replaced.ChainNext;
            Volatile.Write(ref link, entry);
            return replaced;
        }

        ref LruEntry? head = ref HeadOf(_buckets, entry.Hash);
        entry.ChainNext = head;
        Volatile.Write(ref head, entry);
        if (++_count > _buckets.Length && _buckets.Length < MaxBuckets)
        {
            Grow();
        }

        return null;
    }

    /// <summary>Takes the entry of a key out of its chain; under the store's lock.</summary>
    /// <returns>The entry removed, if the key was present.</returns>
    public LruEntry? Remove(string key, int hash)
    {
        ref LruEntry? link = ref LinkTo(key, hash);
        LruEntry? removed = link;
        if (removed is not null)
        {
            // The removed entry keeps its ChainNext: a lookup standing on it still reaches the rest of the chain.
            Volatile.Write(ref link, removed.ChainNext);
            _count--;
        }

        return removed;
    }

    // The link (a bucket or a ChainNext) that holds the key's entry, or the null link ending its chain.
    private ref LruEntry? LinkTo(string key, int hash)
    {
        ref LruEntry? link = ref HeadOf(_buckets, hash);
        while (link is not null && !(link.Hash == hash && string.Equals(link.Key, key)))
        {
            link = ref link.ChainNext;
        }

        return ref link;
    }

    private static ref LruEntry? HeadOf(LruEntry?[] buckets, int hash) => ref buckets[hash & (buckets.Length - 1)];

    private void Grow()
    {
        LruEntry?[] old = _buckets;
        var grown = new LruEntry?[old.Length * 2];
        foreach (LruEntry? head in old)
        {
            // Head to tail, so that an entry not yet relinked only leads further down its old chain.
            for (LruEntry? entry = head; entry is not null;)
            {
                LruEntry? next = entry.ChainNext;
                ref LruEntry? newHead = ref HeadOf(grown, entry.Hash);
                Volatile.Write(ref entry.ChainNext, newHead);
                newHead = entry; // The new array is published whole below, so no barrier per slot.
                entry = next;
            }
        }

        Volatile.Write(ref _buckets, grown);
    }
}
