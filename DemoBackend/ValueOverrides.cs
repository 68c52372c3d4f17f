using System.Collections.Concurrent;

namespace DemoBackend;

/// <summary>
/// Values that tests and demos put in place of a key's generated one (<c>PUT /data/{key}</c>), as if the
/// data had changed at the source. Bounded in count, so that a client cannot fill the backend's memory.
/// </summary>
public sealed class ValueOverrides
{
    /// <summary>The most keys overridden at once.</summary>
    public const int MaxKeys = 10_000;

    /// <summary>The largest override in bytes.</summary>
    public const int MaxValueBytes = 1024 * 1024;

    private readonly ConcurrentDictionary<string, byte[]> _values = new(StringComparer.Ordinal);

    /// <summary>The override of a key, if it has one.</summary>
    public bool TryGet(string key, out byte[] value) => _values.TryGetValue(key, out value!);

    /// <summary>Sets a key's override; false when the table is full and the key has none yet.</summary>
    public bool TrySet(string key, byte[] value)
    {
        // A race past the bound by a few concurrent writers is harmless: the bound is against floods.
        if (_values.Count >= MaxKeys && !_values.ContainsKey(key))
        {
            return false;
        }

        _values[key] = value;
        return true;
    }

    /// <summary>Drops a key's override; its generated value answers again.</summary>
    public bool Remove(string key) => _values.TryRemove(key, out _);
}
