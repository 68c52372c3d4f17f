namespace AspireCache.Benchmarks;

/// <summary>The keys and values every hit benchmark reads, so that all caches see the same workload.</summary>
internal static class Workload
{
    public const int KeyCount = 10_000;

    public const int ValueBytes = 1024;

    public static string[] Keys { get; } = Enumerable.Range(0, KeyCount).Select(i => $"user:{i:D6}").ToArray();

    public static byte[] Value { get; } = new byte[ValueBytes];

    /// <summary>A store big enough for every key, so that every read is a hit.</summary>
    public static long RoomyCapacity => KeyCount * LruStore.SizeOf(Keys[0], Value) * 2;

    /// <summary>The key after the one at <paramref name="cursor"/>, in turn: every key once before any key twice.</summary>
    public static string Next(ref int cursor)
    {
        cursor = cursor + 1 == KeyCount ? 0 : cursor + 1;
        return Keys[cursor];
    }

    /// <summary>A group whose store holds every key, so that every get of the workload is a hit; its loader throws.</summary>
    public static CacheGroup FilledGroup(string name, CacheGroupOptions options)
    {
        options.CapacityBytes = RoomyCapacity;
        var group = new CacheGroup(name, (_, _) => throw new InvalidOperationException("every read must hit"), options);
        foreach (string key in Keys)
        {
            group.Store.Add(key, Value);
        }

        return group;
    }

    /// <summary>Gets the next key from a <see cref="FilledGroup"/>: a hit, completed at once.</summary>
    public static int Hit(CacheGroup group, ref int cursor)
    {
        ValueTask<CacheResult> get = group.GetAsync(Next(ref cursor));
        return get.IsCompletedSuccessfully ? get.Result.Value.Length : -1;
    }
}
