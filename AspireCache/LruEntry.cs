using System.Runtime.InteropServices;

namespace AspireCache;

/// <summary>
/// One key and its value in an <see cref="LruStore"/>: a node of the store's hash chains and of its
/// recency list at once, so that an entry costs one object.
/// </summary>
/// <remarks>
/// On a 64-bit runtime the object is 64 bytes: header and method table (16), five references (40) and
/// the hash (4), padded to 8. The 4 bytes of padding are free room for a later expiry (an int of
/// seconds fits; a long would make the object 72 bytes). The fields are fields, not properties, so that
/// the chain link can be read and written with <see cref="Volatile"/>.
/// </remarks>
internal sealed class LruEntry(string key, byte[] value, int hash)
{
    public readonly string Key = key;

    public readonly byte[] Value = value;

    // Cached so that chain walks and resizes compare and place entries without hashing the key again.
    public readonly int Hash = hash;

    // Written only under the store's lock; read without it by lookups, hence Volatile (see LruHashTable).
    public LruEntry? ChainNext;

    // The recency list links are read and written only under the store's lock.
    public LruEntry? Previous;

    public LruEntry? Next;

    public bool IsLinked => Next is not null;

    /// <summary>The bytes this entry accounts for; derived rather than stored, to keep the object small.</summary>
    public long Size => AccountedBytes(Key.Length, Value.Length);

    /// <summary>The formula documented on <see cref="LruStore.SizeOf"/>: the key string, the value array and the overhead.</summary>
    public static long AccountedBytes(int keyChars, int valueBytes) =>
        Align8(22 + (2L * keyChars)) + Align8(24L + valueBytes) + LruStore.EntryOverheadBytes;

    /// <summary>
    /// An entry holding <paramref name="value"/> as a plain array (8 bytes, where a ReadOnlyMemory takes 16):
    /// a whole array is kept as it is, anything else is copied once into an exact array.
    /// </summary>
    public static LruEntry Create(string key, ReadOnlyMemory<byte> value, int hash)
    {
        bool wholeArray = MemoryMarshal.TryGetArray(value, out ArraySegment<byte> segment)
            && segment.Array is not null && segment.Offset == 0 && segment.Count == segment.Array.Length;
        return new LruEntry(key, wholeArray ? segment.Array! : value.ToArray(), hash);
    }

    public static LruEntry CreateSentinel()
    {
        var sentinel = new LruEntry(string.Empty, [], 0);
        sentinel.Previous = sentinel;
        sentinel.Next = sentinel;
        return sentinel;
    }

    private static long Align8(long bytes) => (bytes + 7) & ~7L;
}
