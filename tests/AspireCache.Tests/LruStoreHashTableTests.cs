using System.Buffers.Binary;

namespace AspireCache.Tests;

/// <summary>The store's own hash table: colliding chains, resizes, and lookups racing writers.</summary>
public class LruStoreHashTableTests
{
    private static string Key(int i) => "k" + i;

    private static int IndexOf(string key) => int.Parse(key.AsSpan(1), provider: null);

    // Each value names its key, so that a reader can tell a wrong entry from a right one.
    private static byte[] ValueOf(int i, int version = 0)
    {
        byte[] value = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(value, i);
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(4), version);
        return value;
    }

    private static int KeyIndexIn(ReadOnlyMemory<byte> value) => BinaryPrimitives.ReadInt32LittleEndian(value.Span);

    [Fact]
    public void KeysWithOneHash_ShareAChainAndAreAllFound()
    {
        var store = new LruStore(long.MaxValue, null, _ => 42);
        for (int i = 0; i < 50; i++)
        {
            store.Add(Key(i), ValueOf(i));
        }

        for (int i = 0; i < 50; i++)
        {
            Assert.True(store.TryGet(Key(i), out ReadOnlyMemory<byte> found));
            Assert.Equal(i, KeyIndexIn(found));
        }

        Assert.False(store.TryGet(Key(50), out _));
        Assert.Equal(50, store.Count);
    }

    [Theory]
    [InlineData(0)] // The newest, at the head of the chain.
    [InlineData(7)] // The middle.
    [InlineData(19)] // The oldest, at the tail.
    public void RemoveFromAChain_LeavesTheRestOfTheChainFound(int removed)
    {
        var store = new LruStore(long.MaxValue, null, _ => 42);
        for (int i = 0; i < 20; i++)
        {
            store.Add(Key(i), ValueOf(i));
        }

        Assert.True(store.Remove(Key(removed)));

        Assert.False(store.TryGet(Key(removed), out _));
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i != removed, store.TryGet(Key(i), out ReadOnlyMemory<byte> found));
            Assert.True(i == removed || KeyIndexIn(found) == i);
        }

        Assert.Equal(19, store.Count);
        Assert.Equal(19 * LruStore.SizeOf(Key(10), ValueOf(0)), store.Bytes);
    }

    [Fact]
    public void ReplaceInTheMiddleOfAChain_KeepsOneEntryWithTheNewValue()
    {
        var store = new LruStore(long.MaxValue, null, _ => 42);
        for (int i = 0; i < 10; i++)
        {
            store.Add(Key(i), ValueOf(i));
        }

        store.Add(Key(5), ValueOf(5, version: 1));

        Assert.True(store.TryGet(Key(5), out ReadOnlyMemory<byte> found));
        Assert.Equal(ValueOf(5, version: 1), found.ToArray());
        Assert.Equal(10, store.Count);
        Assert.All(Enumerable.Range(0, 10), i => Assert.True(store.TryGet(Key(i), out _)));
    }

    [Fact]
    public void Resizes_KeepEveryEntry()
    {
        var store = new LruStore(long.MaxValue);
        int initialBuckets = store.BucketCount;

        for (int i = 0; i < 10_000; i++)
        {
            store.Add(Key(i), ValueOf(i));
        }

        Assert.True(store.BucketCount >= 10_000, $"{store.BucketCount} buckets for 10,000 entries");
        Assert.True(store.BucketCount > initialBuckets);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(store.TryGet(Key(i), out ReadOnlyMemory<byte> found));
            Assert.Equal(i, KeyIndexIn(found));
        }
    }

    [Fact]
    public void Resizes_SplitCollidingChainsAndKeepEveryEntry()
    {
        // Few distinct hashes, so that every chain is long when it is split.
        var store = new LruStore(long.MaxValue, null, key => IndexOf(key) % 97);
        for (int i = 0; i < 2_000; i++)
        {
            store.Add(Key(i), ValueOf(i));
        }

        for (int i = 0; i < 2_000; i += 3)
        {
            Assert.True(store.Remove(Key(i)));
        }

        for (int i = 0; i < 2_000; i++)
        {
            Assert.Equal(i % 3 != 0, store.TryGet(Key(i), out ReadOnlyMemory<byte> found));
            Assert.True(i % 3 == 0 || KeyIndexIn(found) == i);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LookupsRacingAddsRemovesAndResizes_NeverReturnAnotherKeysValue(bool collidingHashes)
    {
        const int StableKeys = 100; // Added first and never removed.
        const int Rounds = 4;
        const int KeysPerRound = 10_000;
        const int Keys = StableKeys + (Rounds * KeysPerRound);
        Func<string, int>? hash = collidingHashes ? key => IndexOf(key) % 1021 : null;
        var store = new LruStore(long.MaxValue, null, hash);
        for (int i = 0; i < StableKeys; i++)
        {
            store.Add(Key(i), ValueOf(i));
        }

        int writing = 1;
        int wrong = 0;
        CancellationToken cancel = TestContext.Current.CancellationToken;
        Task[] readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            while (Volatile.Read(ref writing) == 1)
            {
                for (int n = 0; n < 1_000; n++)
                {
                    int i = random.Next(Keys);
                    if (store.TryGet(Key(i), out ReadOnlyMemory<byte> found) && KeyIndexIn(found) != i)
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
            }
        }, cancel)).ToArray();

        await Task.Run(() =>
        {
            try
            {
                // Each round adds new keys, which grows the table, then removes a third of them and
                // replaces another third.
                for (int round = 0; round < Rounds; round++)
                {
                    int first = StableKeys + (round * KeysPerRound);
                    for (int i = first; i < first + KeysPerRound; i++)
                    {
                        store.Add(Key(i), ValueOf(i, round));
                    }

                    for (int i = first; i < first + KeysPerRound; i += 3)
                    {
                        store.Remove(Key(i));
                        store.Add(Key(i + 1), ValueOf(i + 1, round + 100));
                    }
                }
            }
            finally
            {
                Volatile.Write(ref writing, 0);
            }
        }, cancel);
        await Task.WhenAll(readers);

        Assert.Equal(0, wrong);
        for (int i = 0; i < StableKeys; i++)
        {
            Assert.True(store.TryGet(Key(i), out ReadOnlyMemory<byte> found), $"stable key {i} is missing");
            Assert.Equal(i, KeyIndexIn(found));
        }
    }
}
