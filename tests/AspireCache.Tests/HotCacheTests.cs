namespace AspireCache.Tests;

/// <summary>A non-owner keeps copies of keys it keeps asking for, within the group's capacity.</summary>
public class HotCacheTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static string UniqueName() => "hot-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AThousandGetsOfOneKeyAtANonOwner_CostTwoPeerFetches_AndTheRestAreHotHits()
    {
        using var cluster = new InProcessCluster(3, UniqueName());
        const string key = "hot-key";
        CacheGroup asker = cluster[cluster.NonOwnerOf(key)];

        var sources = new List<CacheSource>();
        for (int i = 0; i < 1000; i++)
        {
            CacheResult result = await asker.GetAsync(key, TestToken);
            Assert.Equal(InProcessCluster.ValueOf(key), result.Value.ToArray());
            sources.Add(result.Source);
        }

        // The first get counts one ask (not yet hot); the second is admitted; every later one is local.
        Assert.Equal([CacheSource.Peer, CacheSource.Peer], sources.Take(2));
        Assert.All(sources.Skip(2), source => Assert.Equal(CacheSource.Hot, source));
        Assert.Equal(2, cluster.Fetches[cluster.OwnerOf(key)]);
        Assert.Equal(2, asker.Stats.PeerFetches);
        Assert.Equal(998, asker.Stats.HotHits);

        // A hot hit is a hit: the ratio keeps its definition.
        Assert.Equal(998, asker.Stats.Hits);
        Assert.Equal(asker.Stats.Gets, asker.Stats.Hits + asker.Stats.Misses);
        Assert.Equal(1, asker.HotStore!.Count);
        Assert.Equal(0, asker.Store.Count);
    }

    [Fact]
    public async Task KeysAskedOnce_AreNotKept()
    {
        using var cluster = new InProcessCluster(3, UniqueName());
        string asker = "cache-0";
        string[] keys = [.. Enumerable.Range(0, 200).Select(i => $"once-{i}").Where(k => cluster.OwnerOf(k) != asker)];

        foreach (string key in keys)
        {
            Assert.Equal(CacheSource.Peer, (await cluster[asker].GetAsync(key, TestToken)).Source);
        }

        Assert.Equal(0, cluster[asker].HotStore!.Count);
        Assert.Equal(keys.Length, cluster[asker].Stats.PeerFetches);
    }

    [Fact]
    public async Task TheStoreAndTheHotCache_StayWithinTheGroupCapacity_Together()
    {
        const long capacity = 64 * 1024;
        using var cluster = new InProcessCluster(
            3,
            UniqueName(),
            (_, key) => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[500]),
            new CacheGroupOptions { CapacityBytes = capacity, HotCacheShare = 0.25 });
        CacheGroup node = cluster["cache-0"];

        // Every key twice, so that the keys of other owners are admitted, and far more keys than fit.
        for (int i = 0; i < 2000; i++)
        {
            string key = $"k-{i}";
            await node.GetAsync(key, TestToken);
            await node.GetAsync(key, TestToken);
            Assert.InRange(node.Store.Bytes + node.HotStore!.Bytes, 0, capacity);
        }

        Assert.Equal(capacity / 4, node.HotStore!.CapacityBytes);
        Assert.Equal(capacity - (capacity / 4), node.Store.CapacityBytes);
        Assert.True(node.HotStore.Evictions > 0, "The hot cache never filled up.");
        Assert.True(node.Store.Evictions > 0, "The store never filled up.");
    }

    [Fact]
    public async Task AZeroHotShare_TurnsTheHotCacheOff()
    {
        using var cluster = new InProcessCluster(3, UniqueName(), options: new CacheGroupOptions { HotCacheShare = 0 });
        const string key = "hot-key";
        CacheGroup asker = cluster[cluster.NonOwnerOf(key)];

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(CacheSource.Peer, (await asker.GetAsync(key, TestToken)).Source);
        }

        Assert.Null(asker.HotStore);
        Assert.Equal(64L * 1024 * 1024, asker.Store.CapacityBytes); // The whole default capacity.
    }

    [Fact]
    public void TheSketch_CountsEachKey_AndForgetsHalfOfItEveryWindow()
    {
        var sketch = new FrequencySketch(4096);
        for (int i = 0; i < 5; i++)
        {
            sketch.Increment("a");
        }

        sketch.Increment("b");
        Assert.True(sketch.Estimate("a") >= 5);
        Assert.True(sketch.Estimate("b") >= 1);
        Assert.Equal(0, sketch.Estimate("never"));

        // Other keys fill the window; when it closes every count is halved.
        for (int i = sketch.SampleSize - 6; i > 0; i--)
        {
            sketch.Increment("filler-" + (i % 7));
        }

        Assert.InRange(sketch.Estimate("a"), 2, 3);
    }
}
