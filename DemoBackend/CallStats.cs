namespace DemoBackend;

/// <summary>
/// Counts calls of <c>/data</c>, in total and per key, so that tests can see how often the cache loaded;
/// and keeps the trace id of each key's last call, so that they can see which request caused it.
/// </summary>
/// <remarks>
/// Only the most recently called <c>TrackedKeys</c> keys are counted one by one, so that a demo left
/// running for hours over millions of distinct keys keeps a bounded memory; the total counts every call.
/// One lock guards the table: each call already waits for the backend's delay, so it is never contended
/// for long.
/// </remarks>
public sealed class CallStats(int trackedKeys)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<KeyCalls>> _perKey = new(StringComparer.Ordinal);

    // Most recently called first; the last one is dropped when a new key needs room.
    private readonly LinkedList<KeyCalls> _recency = new();
    private long _total;
    private long _forgottenKeys;

    /// <summary>Counts one call for a key.</summary>
    public void Count(string key, string? traceId)
    {
        lock (_lock)
        {
            _total++;
            if (_perKey.TryGetValue(key, out LinkedListNode<KeyCalls>? node))
            {
                _recency.Remove(node);
                node.Value = node.Value with { Calls = node.Value.Calls + 1, LastTraceId = traceId ?? node.Value.LastTraceId };
            }
            else
            {
                if (_perKey.Count >= trackedKeys && _recency.Last is { } oldest)
                {
                    _recency.RemoveLast();
                    _perKey.Remove(oldest.Value.Key);
                    _forgottenKeys++;
                }

                node = new LinkedListNode<KeyCalls>(new KeyCalls(key, 1, traceId));
                _perKey[key] = node;
            }

            _recency.AddFirst(node);
        }
    }

    /// <summary>Forgets every call.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _perKey.Clear();
            _recency.Clear();
            _total = 0;
            _forgottenKeys = 0;
        }
    }

    /// <summary>The counts as <c>/stats</c> returns them.</summary>
    public Snapshot Read()
    {
        lock (_lock)
        {
            var perKey = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var lastTraceIds = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyCalls calls in _recency)
            {
                perKey[calls.Key] = calls.Calls;
                if (calls.LastTraceId is not null)
                {
                    lastTraceIds[calls.Key] = calls.LastTraceId;
                }
            }

            return new Snapshot(_total, perKey, lastTraceIds, _forgottenKeys);
        }
    }

    /// <summary>Calls in total and per tracked key, the W3C trace id of each tracked key's last call, and how many keys were dropped from tracking.</summary>
    public sealed record Snapshot(long Total, IReadOnlyDictionary<string, long> PerKey, IReadOnlyDictionary<string, string> LastTraceIds, long ForgottenKeys);

    private sealed record KeyCalls(string Key, long Calls, string? LastTraceId);
}
