namespace AspireCache.Tests;

/// <summary>
/// The reference the miss-ratio curve is checked against: a plain, obviously correct LRU bounded in bytes.
/// A miss adds the entry and evicts the least recently used until it fits; an entry larger than the whole
/// capacity is not kept.
/// </summary>
internal sealed class ExactByteLru(long capacityBytes)
{
    private readonly LinkedList<(string Key, long Size)> _recency = new(); // first is the newest
    private readonly Dictionary<string, LinkedListNode<(string Key, long Size)>> _nodes = new(StringComparer.Ordinal);
    private long _bytes;

    public long Hits { get; private set; }

    public long Accesses { get; private set; }

    public double HitRatio => (double)Hits / Accesses;

    /// <summary>Accesses a key whose entry accounts for <paramref name="size"/> bytes; true on a hit.</summary>
    public bool Access(string key, long size)
    {
        Accesses++;
        if (_nodes.TryGetValue(key, out LinkedListNode<(string Key, long Size)>? node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            Hits++;
            return true;
        }

        if (size > capacityBytes)
        {
            return false;
        }

        while (_bytes + size > capacityBytes)
        {
            LinkedListNode<(string Key, long Size)> oldest = _recency.Last!;
            _recency.RemoveLast();
            _nodes.Remove(oldest.Value.Key);
            _bytes -= oldest.Value.Size;
        }

        _nodes[key] = _recency.AddFirst((key, size));
        _bytes += size;
        return false;
    }
}
