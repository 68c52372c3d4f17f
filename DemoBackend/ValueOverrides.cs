namespace DemoBackend;

/// <summary>
/// Values that tests and demos put in place of a key's generated one (<c>PUT /data/{key}</c>), as if the
/// data had changed at the source. Bounded in count and in the bytes they hold together, so that a client
/// cannot fill the backend's memory: past either bound a new override is refused and nothing is kept of it.
/// </summary>
public sealed class ValueOverrides(long maxTotalBytes)
{
    /// <summary>The most keys overridden at once.</summary>
    public const int MaxKeys = 10_000;

    /// <summary>The largest override in bytes.</summary>
    public const int MaxValueBytes = 1024 * 1024;

    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _bytes;

    /// <summary>The most bytes all overrides may hold together, their keys' included.</summary>
    public long MaxTotalBytes { get; } = maxTotalBytes;

    /// <summary>The bytes the overrides hold now: each value's, and its key's as UTF-16.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The override of a key, if it has one.</summary>
    public bool TryGet(string key, out byte[] value)
    {
        lock (_lock)
        {
            return _values.TryGetValue(key, out value!);
        }
    }

    /// <summary>Sets a key's override; false, and nothing changed, when it would pass the count or the total bytes.</summary>
    public bool TrySet(string key, byte[] value)
    {
        lock (_lock)
        {
            long freed = _values.TryGetValue(key, out byte[]? old) ? SizeOf(key, old) : 0;
            long bytes = _bytes - freed + SizeOf(key, value);
            if ((old is null && _values.Count >= MaxKeys) || bytes > MaxTotalBytes)
            {
                return false;
            }

            _values[key] = value;
            _bytes = bytes;
            return true;
        }
    }

    /// <summary>Drops a key's override; its generated value answers again.</summary>
    public bool Remove(string key)
    {
        lock (_lock)
        {
            if (!_values.Remove(key, out byte[]? old))
            {
                return false;
            }

            _bytes -= SizeOf(key, old);
            return true;
        }
    }

    private static long SizeOf(string key, byte[] value) => (2L * key.Length) + value.Length;
}
