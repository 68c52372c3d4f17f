using System.Runtime.InteropServices;

namespace AspireCache.Tests;

public class LruStoreTests
{
    private static readonly long OneEntry = LruStore.SizeOf("k0", new byte[10]);

    private static byte[] Value(byte fill, int length = 10) => Enumerable.Repeat(fill, length).ToArray();

    [Fact]
    public void TryGet_AfterAdd_ReturnsTheStoredBytesWithoutCopying()
    {
        var store = new LruStore(1024);
        byte[] value = [1, 2, 3];

        store.Add("a", value);

        Assert.True(store.TryGet("a", out ReadOnlyMemory<byte> found));
        Assert.True(MemoryMarshal.TryGetArray(found, out ArraySegment<byte> segment));
        Assert.Same(value, segment.Array);
        Assert.False(store.TryGet("b", out _));
    }

    // The README's 88 bytes of overhead per entry (DocumentedDefaultsTests pins it through a group).
    [Theory]
    [InlineData("abc", 10, 32, 40)] // 22 + 6 rounds up to 32; 24 + 10 to 40.
    [InlineData("", 0, 24, 24)]
    [InlineData("user:0000000", 100, 48, 128)]
    public void SizeOf_CountsTheKeyAndValueObjectsAndOverhead(string key, int valueLength, int keyObject, int valueObject)
    {
        Assert.Equal(keyObject + valueObject + 88, LruStore.SizeOf(key, new byte[valueLength]));
    }

    [Fact]
    public void Add_SliceOfAnArray_KeepsACopyOfJustTheSlice()
    {
        var store = new LruStore(1024);
        byte[] array = [1, 2, 3, 4, 5];

        store.Add("a", array.AsMemory(1, 3));
        array[2] = 9;

        Assert.True(store.TryGet("a", out ReadOnlyMemory<byte> found));
        Assert.Equal([2, 3, 4], found.ToArray());
        Assert.Equal(LruStore.SizeOf("a", new byte[3]), store.Bytes);
    }

    [Fact]
    public void Add_PastCapacity_EvictsTheLeastRecentlyUsedFirst()
    {
        var store = new LruStore(3 * OneEntry);
        store.Add("k0", Value(0));
        store.Add("k1", Value(1));
        store.Add("k2", Value(2));

        Assert.True(store.TryGet("k0", out _)); // k1 is now the least recently used.
        store.Add("k3", Value(3));

        Assert.False(store.TryGet("k1", out _));
        Assert.True(store.TryGet("k0", out _));
        Assert.True(store.TryGet("k2", out _));
        Assert.True(store.TryGet("k3", out _));
    }

    [Fact]
    public void Add_PastCapacity_EvictsInExactRecencyOrder()
    {
        var evicted = new List<string>();
        var observed = new LruStore(4 * OneEntry, (key, _) => evicted.Add(key));
        foreach (string key in new[] { "k0", "k1", "k2", "k3" })
        {
            observed.Add(key, Value(0));
        }

        // Recency from oldest: k2, k0, k3, k1.
        observed.TryGet("k0", out _);
        observed.TryGet("k3", out _);
        observed.TryGet("k1", out _);
        for (int i = 4; i < 8; i++)
        {
            observed.Add($"k{i}", Value(0));
        }

        Assert.Equal(["k2", "k0", "k3", "k1"], evicted);
    }

    [Fact]
    public void ManyHitsBetweenAdds_AreAllAppliedBeforeEvicting()
    {
        var evicted = new List<string>();
        var store = new LruStore(3 * OneEntry, (key, _) => evicted.Add(key));
        store.Add("k0", Value(0));
        store.Add("k1", Value(1));
        store.Add("k2", Value(2));

        // Far more hits than one read-buffer stripe holds; recency from oldest ends as k2, k1, k0.
        for (int i = 0; i < 500; i++)
        {
            store.TryGet("k1", out _);
            store.TryGet("k0", out _);
        }

        store.Add("k3", Value(3));
        store.Add("k4", Value(4));

        Assert.Equal(["k2", "k1"], evicted);
    }

    [Fact]
    public void Add_PastCapacity_EvictsUntilTheNewEntryFits()
    {
        var evicted = new List<(string Key, int Length)>();
        var store = new LruStore(3 * OneEntry, (key, value) => evicted.Add((key, value.Length)));
        store.Add("k0", Value(0));
        store.Add("k1", Value(1));
        store.Add("k2", Value(2));

        store.Add("big", Value(9, (int)OneEntry));

        Assert.Equal([("k0", 10), ("k1", 10)], evicted);
        Assert.Equal(2, store.Evictions);
        Assert.Equal(2 * OneEntry, store.EvictedBytes);
        Assert.Equal(2, store.Count);
        Assert.True(store.Bytes <= store.CapacityBytes);
        Assert.Equal(OneEntry + LruStore.SizeOf("big", new byte[OneEntry]), store.Bytes);
    }

    [Fact]
    public void Add_EntryLargerThanCapacity_IsNotStoredAndEvictsNothing()
    {
        var store = new LruStore(2 * OneEntry);
        store.Add("k0", Value(0));

        bool stored = store.Add("huge", new byte[2 * OneEntry]);

        Assert.False(stored);
        Assert.False(store.TryGet("huge", out _));
        Assert.True(store.TryGet("k0", out _));
        Assert.Equal(0, store.Evictions);
    }

    [Fact]
    public void Add_ExistingKey_ReplacesTheValueAndItsAccounting()
    {
        var store = new LruStore(10 * OneEntry);
        store.Add("k0", Value(1));

        store.Add("k0", Value(2, 30));

        Assert.True(store.TryGet("k0", out ReadOnlyMemory<byte> found));
        Assert.Equal(Value(2, 30), found.ToArray());
        Assert.Equal(1, store.Count);
        Assert.Equal(LruStore.SizeOf("k0", new byte[30]), store.Bytes);
    }

    [Fact]
    public void Remove_DropsTheEntryAndItsBytes()
    {
        var store = new LruStore(10 * OneEntry);
        store.Add("k0", Value(1));
        store.Add("k1", Value(1));

        Assert.True(store.Remove("k0"));
        Assert.False(store.Remove("k0"));

        Assert.False(store.TryGet("k0", out _));
        Assert.Equal(1, store.Count);
        Assert.Equal(OneEntry, store.Bytes);
        Assert.Equal(0, store.Evictions);
    }

    [Fact]
    public async Task ConcurrentAddsAndGets_NeverExceedCapacityAndKeepAccountingExact()
    {
        var store = new LruStore(50 * OneEntry);
        long maxSeen = 0;
        Task[] workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            var random = new Random(w);
            for (int i = 0; i < 20_000; i++)
            {
                string key = "k" + random.Next(200);
                if (!store.TryGet(key, out _))
                {
                    store.Add(key, new byte[random.Next(1, 40)]);
                }

                if (i % 7 == 0)
                {
                    store.Remove("k" + random.Next(200));
                }

                InterlockedMax(ref maxSeen, store.Bytes);
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        await Task.WhenAll(workers);

        Assert.True(maxSeen <= store.CapacityBytes, $"saw {maxSeen} bytes in a store of {store.CapacityBytes}");
        long recount = 0;
        int entries = 0;
        for (int k = 0; k < 200; k++)
        {
            if (store.TryGet("k" + k, out ReadOnlyMemory<byte> value))
            {
                recount += LruStore.SizeOf("k" + k, value);
                entries++;
            }
        }

        Assert.Equal(recount, store.Bytes);
        Assert.Equal(entries, store.Count);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
