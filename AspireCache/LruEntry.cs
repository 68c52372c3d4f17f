namespace AspireCache;

/// <summary>One key and its value in an <see cref="LruStore"/>, linked into the store's recency list.</summary>
internal sealed class LruEntry(string key, ReadOnlyMemory<byte> value, long size)
{
    public string Key { get; } = key;

    public ReadOnlyMemory<byte> Value { get; } = value;

    public long Size { get; } = size;

    // The list links are written only under the store's lock.
    public LruEntry? Previous { get; set; }

    public LruEntry? Next { get; set; }

    public bool IsLinked => Next is not null;

    public static LruEntry CreateSentinel()
    {
        var sentinel = new LruEntry(string.Empty, default, 0);
        sentinel.Previous = sentinel;
        sentinel.Next = sentinel;
        return sentinel;
    }
}
