namespace AspireCache.Benchmarks;

/// <summary>The textbook LRU: a dictionary and a linked list behind one lock, taken by every read.</summary>
internal sealed class SingleLockLru
{
    private readonly Dictionary<string, LinkedListNode<(string Key, ReadOnlyMemory<byte> Value)>> _map = [];
    private readonly LinkedList<(string Key, ReadOnlyMemory<byte> Value)> _order = new();
    private readonly Lock _lock = new();

    public void Add(string key, ReadOnlyMemory<byte> value)
    {
        lock (_lock)
        {
            _map[key] = _order.AddFirst((key, value));
        }
    }

    public bool TryGet(string key, out ReadOnlyMemory<byte> value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
