using System.Runtime.InteropServices;

namespace AspireCache;

/// <summary>
/// One key and its value in an <see cref="LruStore"/>: a node of the store's hash chains and of its
/// recency list at once, so that an entry costs one object.
/// </summary>
/// <remarks>
/// On a 64-bit runtime the object is 80 bytes: header and method table (16), five references (40), two
/// timestamps (16), the hash (4) and the refresh flag (4). The fields are fields, not properties, so that
/// the chain link can be read and written with <see cref="Volatile"/>.
/// </remarks>
internal sealed class LruEntry(string key, byte[] value, int hash, long loadedAt, long expiresAt)
{
    /// <summary>The <see cref="ExpiresAt"/> of a value that does not expire.</summary>
    public const long Never = long.MaxValue;

    private const int RefreshStarted = 1;
    private const int ExpiryCounted = 2;

    public readonly string Key = key;

    public readonly byte[] Value = value;

    /// <summary>When the value was loaded or written, in <see cref="CacheClock"/> ticks.</summary>
    public readonly long LoadedAt = loadedAt;

    /// <summary>When the value stops being fresh, in <see cref="CacheClock"/> ticks; <see cref="Never"/> if it does not expire.</summary>
    public readonly long ExpiresAt = expiresAt;

    // Cached so that chain walks and resizes compare and place entries without hashing the key again.
    public readonly int Hash = hash;

    // Bits set once each: by the first hit that starts a refresh ahead of expiry (the refreshed value is a
    // new entry), and by the first get that finds the value expired (so that an expiry is counted once).
    private int _flags;

    // Written only under the store's lock; read without it by lookups, hence Volatile (see LruHashTable).
    public LruEntry? ChainNext;

    // The recency list links are read and written only under the store's lock.
    public LruEntry? Previous;

    public LruEntry? Next;

    public bool IsLinked => Next is not null;

    /// <summary>True for the one caller that should start this value's refresh; false for every later one.</summary>
    public bool TryStartRefresh() => TrySet(RefreshStarted);

    /// <summary>Marks the value as one whose refresh needs no starting (see <see cref="CacheGroup"/>'s hot copies).</summary>
    public void MarkRefreshStarted() => Interlocked.Or(ref _flags, RefreshStarted);

    /// <summary>True for the one caller that first finds the value expired.</summary>
    public bool TryMarkExpired() => TrySet(ExpiryCounted);

    /// <summary>The bytes this entry accounts for; derived rather than stored, to keep the object small.</summary>
    public long Size => AccountedBytes(Key.Length, Value.Length);

    /// <summary>The formula documented on <see cref="LruStore.SizeOf"/>: the key string, the value array and the overhead.</summary>
    public static long AccountedBytes(int keyChars, int valueBytes) =>
        Align8(22 + (2L * keyChars)) + Align8(24L + valueBytes) + LruStore.EntryOverheadBytes;

    /// <summary>
    /// An entry holding <paramref name="value"/> as a plain array (8 bytes, where a ReadOnlyMemory takes 16):
    /// a whole array is kept as it is, anything else is copied once into an exact array.
    /// </summary>
    public static LruEntry Create(string key, ReadOnlyMemory<byte> value, int hash, long loadedAt = 0, long expiresAt = Never)
    {
        bool wholeArray = MemoryMarshal.TryGetArray(value, out ArraySegment<byte> segment)
            && segment.Array is not null && segment.Offset == 0 && segment.Count == segment.Array.Length;
        return new LruEntry(key, wholeArray ? segment.Array! : value.ToArray(), hash, loadedAt, expiresAt);
    }

    public static LruEntry CreateSentinel()
    {
        var sentinel = new LruEntry(string.Empty, [], 0, 0, Never);
        sentinel.Previous = sentinel;
        sentinel.Next = sentinel;
        return sentinel;
    }

    // A plain read first: every hit of a hot key in its refresh window, or of an expired key, asks, and
    // an interlocked write each time would bounce the entry's cache line between cores.
    private bool TrySet(int flag) =>
        (Volatile.Read(ref _flags) & flag) == 0 && (Interlocked.Or(ref _flags, flag) & flag) == 0;

    private static long Align8(long bytes) => (bytes + 7) & ~7L;
}
