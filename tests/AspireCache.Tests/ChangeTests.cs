using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

/// <summary>Removals, writes and clears reach every member of the ring, and no load under way can undo them.</summary>
public class ChangeTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static string UniqueName() => "change-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ARemoval_TakenByANonOwner_DropsTheOwnersValueAndEveryHotCopy()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(3, UniqueName(), source.LoadAsync);
        const string key = "removed";
        await WarmEverywhereAsync(cluster, key);
        source.Set(key, "new");

        await cluster[cluster.NonOwnerOf(key)].RemoveAsync(key);

        Assert.All(await ReadEverywhereAsync(cluster, key), value => Assert.Equal("new", value));
        Assert.Equal(1, source.LoadsOf(key, "new"));
    }

    [Fact]
    public async Task AWrite_IsServedByEveryNode_AndClearsTheKeysRememberedFailure()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(3, UniqueName(), source.LoadAsync, new CacheGroupOptions { FailureBackoff = TimeSpan.FromHours(1) });
        const string key = "written";
        source.Fail(key);
        await Assert.ThrowsAsync<CacheSourceException>(() => cluster[cluster.OwnerOf(key)].GetAsync(key, TestToken).AsTask());

        await cluster[cluster.NonOwnerOf(key)].WriteAsync(key, Encoding.UTF8.GetBytes("written value"));

        Assert.All(await ReadEverywhereAsync(cluster, key), value => Assert.Equal("written value", value));
        Assert.Equal(1, cluster[cluster.OwnerOf(key)].Stats.PeerWrites);
    }

    [Fact]
    public async Task AWrittenValue_LivesNoLongerThanTheGroupsTimeToLive_ThenTheSourcesValueComesBack()
    {
        var clock = new FakeTimeProvider();
        var source = new Source();
        using var cluster = new InProcessCluster(3, UniqueName(), source.LoadAsync, new CacheGroupOptions { TimeToLive = TimeSpan.FromMinutes(1), TimeProvider = clock });
        const string key = "written-ttl";
        source.Set(key, "from source");
        CacheGroup owner = cluster[cluster.OwnerOf(key)];

        await owner.WriteAsync(key, Encoding.UTF8.GetBytes("written"), TimeSpan.FromHours(1));
        CacheResult written = await owner.GetAsync(key, TestToken);
        clock.Advance(TimeSpan.FromMinutes(1));
        CacheResult afterExpiry = await owner.GetAsync(key, TestToken);

        Assert.Equal(TimeSpan.FromMinutes(1), written.TimeToLive);
        Assert.Equal("written", Text(written));
        Assert.Equal("from source", Text(afterExpiry));
    }

    [Fact]
    public async Task AClear_MakesEveryNodeLoadAgain_InConstantTime()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(3, UniqueName(), source.LoadAsync);
        string[] keys = [.. Enumerable.Range(0, 30).Select(i => $"clear-{i}")];
        foreach (string key in keys)
        {
            await WarmEverywhereAsync(cluster, key);
            source.Set(key, "after clear");
        }

        await cluster["cache-1"].ClearAsync();

        Assert.All(cluster.Nodes, node => Assert.Equal((0, 0), (cluster[node].Store.Count, cluster[node].HotStore!.Count)));
        foreach (string key in keys)
        {
            Assert.All(await ReadEverywhereAsync(cluster, key), value => Assert.Equal("after clear", value));
        }
    }

    [Fact]
    public async Task AMemberThatDoesNotAcknowledge_IsNamed_AndTheOthersHaveTheChange()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(3, UniqueName(), source.LoadAsync);
        const string key = "half-removed";
        await WarmEverywhereAsync(cluster, key);
        string taker = cluster.NonOwnerOf(key);
        string silent = cluster.Nodes.First(node => node != taker && node != cluster.OwnerOf(key));
        cluster.Down[silent] = true;
        source.Set(key, "new");

        CacheInvalidationException refused = await Assert.ThrowsAsync<CacheInvalidationException>(() => cluster[taker].RemoveAsync(key));

        Assert.Equal([silent], refused.Members);
        Assert.Equal("new", Text(await cluster[taker].GetAsync(key, TestToken)));
        Assert.Equal("new", Text(await cluster[cluster.OwnerOf(key)].GetAsync(key, TestToken)));
        Assert.Equal(1, cluster[taker].Stats.Unacknowledged);
    }

    [Fact]
    public async Task ARemoval_DuringALoad_KeepsTheLoadedValueOutOfTheStore()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(1, UniqueName(), source.LoadAsync);
        CacheGroup group = cluster["cache-0"];
        (TaskCompletionSource hold, Task<CacheResult> inFlight) = await StartHeldLoadOfOldAsync(source, group);

        source.Set("k", "new");
        await group.RemoveAsync("k");
        Task<CacheResult> afterRemoval = group.GetAsync("k", TestToken).AsTask(); // Must not join the old flight.
        hold.SetResult();

        Assert.Equal("old", Text(await inFlight)); // It asked before the removal.
        Assert.Equal("new", Text(await afterRemoval));
        Assert.Equal("new", Text(await group.GetAsync("k", TestToken)));
    }

    [Fact]
    public async Task AWrite_DuringALoad_WinsOverTheLoadedValue()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(1, UniqueName(), source.LoadAsync);
        CacheGroup group = cluster["cache-0"];
        (TaskCompletionSource hold, Task<CacheResult> inFlight) = await StartHeldLoadOfOldAsync(source, group);

        await group.WriteAsync("k", Encoding.UTF8.GetBytes("written"));
        hold.SetResult();
        await inFlight;

        Assert.Equal("written", Text(await group.GetAsync("k", TestToken)));
    }

    [Fact]
    public async Task AClear_DuringALoad_KeepsTheLoadedValueOutOfTheStore()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(1, UniqueName(), source.LoadAsync);
        CacheGroup group = cluster["cache-0"];
        (TaskCompletionSource hold, Task<CacheResult> inFlight) = await StartHeldLoadOfOldAsync(source, group);

        source.Set("k", "new");
        await group.ClearAsync();
        hold.SetResult();
        await inFlight;

        Assert.Equal(0, group.Store.Count);
        Assert.Equal("new", Text(await group.GetAsync("k", TestToken)));
    }

    [Fact]
    public async Task ARemoval_DuringAPeerFetch_KeepsTheFetchedValueOutOfTheHotCache()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(3, UniqueName(), source.LoadAsync);
        const string key = "fetched";
        source.Set(key, "old");
        CacheGroup asker = cluster[cluster.NonOwnerOf(key)];
        await asker.GetAsync(key, TestToken); // One ask: the next fetch is admitted to the hot cache.

        await cluster[cluster.OwnerOf(key)].RemoveAsync(key);
        TaskCompletionSource hold = source.HoldNext();
        Task<CacheResult> inFlight = asker.GetAsync(key, TestToken).AsTask(); // Fetches; the owner loads "old".
        await source.HeldLoadStarted;
        source.Set(key, "new");
        await asker.RemoveAsync(key); // Reaches the asker while its fetch is under way.
        hold.SetResult();

        Assert.Equal("old", Text(await inFlight));
        Assert.Equal(0, asker.HotStore!.Count);
        Assert.Equal("new", Text(await asker.GetAsync(key, TestToken)));
    }

    [Fact]
    public async Task BadChanges_AreRefused_AndChangeNothing()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(1, UniqueName(), source.LoadAsync, new CacheGroupOptions { MaxValueBytes = 8 });
        CacheGroup group = cluster["cache-0"];
        source.Set("k", "v");
        await group.GetAsync("k", TestToken);

        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => group.RemoveAsync(string.Empty));
        await Assert.ThrowsAsync<CacheValueTooLargeException>(() => group.WriteAsync("k", new byte[9]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => group.WriteAsync("k", new byte[1], TimeSpan.FromSeconds(-1)));

        Assert.Equal((CacheSource.Hit, "v"), ((await group.GetAsync("k", TestToken)).Source, Text(await group.GetAsync("k", TestToken))));
    }

    [Fact]
    public async Task AnOwnerThatMissesARemoval_IsWaitedFor_BeforeTheOthersDropTheirCopies()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(3, UniqueName(), source.LoadAsync);
        const string key = "owner-missed";
        string owner = cluster.OwnerOf(key);
        string[] others = [.. cluster.Nodes.Where(node => node != owner)];
        await WarmEverywhereAsync(cluster, key);
        source.Set(key, "new");
        var ownersLease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Refusing[owner] = ownersLease;

        Task removal = cluster[others[0]].RemoveAsync(key);

        // While the taker waits out the owner's lease, another member fetches the owner's old value.
        Assert.Equal("initial", Text(await cluster[others[1]].GetAsync(key, TestToken)));
        cluster[owner].ClearLocally(); // The owner pays what it owes at its status exchange.
        ownersLease.SetResult();
        CacheInvalidationException refused = await Assert.ThrowsAsync<CacheInvalidationException>(() => removal);

        Assert.Equal([owner], refused.Members);
        Assert.All(await ReadEverywhereAsync(cluster, key), value => Assert.Equal("new", value));
    }

    [Fact]
    public async Task APeerOutOfTheRing_IsToldToo_AndItsSilenceDoesNotFailTheChange()
    {
        var source = new Source();
        using var cluster = new InProcessCluster(3, UniqueName(), source.LoadAsync);
        const string key = "out-of-ring";
        string taker = cluster.OwnerOf(key);
        string outside = cluster.NonOwnerOf(key);
        await WarmEverywhereAsync(cluster, key);
        source.Set(key, "new");
        cluster.Pickers[taker].SetRingMembers(cluster.Nodes.Where(node => node != taker && node != outside));

        await cluster[taker].RemoveAsync(key); // Told and acknowledged, though out of the taker's ring.
        Assert.Equal("new", Text(await cluster[outside].GetAsync(key, TestToken)));

        cluster.Down[outside] = true;
        await cluster[taker].RemoveAsync(key); // Silent and out of the ring: not a failure of the change.
        Assert.Equal(1, cluster[taker].Stats.Unacknowledged);
    }

    [Fact]
    public async Task AWrite_DuringALoadThatEndsNotFound_IsKept()
    {
        var source = new VersionedSource { Failure = new CacheKeyNotFoundException() };
        using var group = new CacheGroup(UniqueName(), source.LoadAsync, new CacheGroupOptions { NotFoundTtl = TimeSpan.FromMinutes(1) });
        TaskCompletionSource hold = source.HoldNext();
        Task<CacheResult> inFlight = group.GetAsync("k", TestToken).AsTask();
        await source.HeldLoadStarted;

        await group.WriteAsync("k", Encoding.UTF8.GetBytes("written"));
        hold.SetResult();
        await Assert.ThrowsAsync<CacheKeyNotFoundException>(() => inFlight); // It asked before the write.

        Assert.Equal("written", Text(await group.GetAsync("k", TestToken)));
    }

    [Fact]
    public async Task ARemoval_DuringAFailingLoad_LeavesNoRememberedFailure()
    {
        var source = new VersionedSource { Failure = new CacheSourceException("down", isTimeout: false) };
        using var group = new CacheGroup(UniqueName(), source.LoadAsync, new CacheGroupOptions { FailureBackoff = TimeSpan.FromMinutes(1) });
        TaskCompletionSource hold = source.HoldNext();
        Task<CacheResult> inFlight = group.GetAsync("k", TestToken).AsTask();
        await source.HeldLoadStarted;

        await group.RemoveAsync("k");
        hold.SetResult();
        await Assert.ThrowsAsync<CacheSourceException>(() => inFlight);
        source.Failure = null;

        Assert.StartsWith("k#", Text(await group.GetAsync("k", TestToken)));
    }

    // A get of "k", whose source value is "old", held open inside its load until the returned gate is set.
    private static async Task<(TaskCompletionSource Hold, Task<CacheResult> InFlight)> StartHeldLoadOfOldAsync(Source source, CacheGroup group)
    {
        source.Set("k", "old");
        TaskCompletionSource hold = source.HoldNext();
        Task<CacheResult> inFlight = group.GetAsync("k", TestToken).AsTask();
        await source.HeldLoadStarted;
        return (hold, inFlight);
    }

    private static async Task WarmEverywhereAsync(InProcessCluster cluster, string key)
    {
        // Twice from each node: the second ask makes a non-owner keep a hot copy.
        foreach (string node in cluster.Nodes)
        {
            await cluster[node].GetAsync(key, TestToken);
            await cluster[node].GetAsync(key, TestToken);
        }
    }

    private static async Task<List<string>> ReadEverywhereAsync(InProcessCluster cluster, string key)
    {
        var values = new List<string>();
        foreach (string node in cluster.Nodes)
        {
            values.Add(Text(await cluster[node].GetAsync(key, TestToken)));
        }

        return values;
    }

    private static string Text(CacheResult result) => Encoding.UTF8.GetString(result.Value.Span);

    /// <summary>A source whose values the test sets, that counts loads by value, and can hold a load open or fail a key.</summary>
    private sealed class Source
    {
        private readonly ConcurrentDictionary<string, string> _values = new();
        private readonly ConcurrentDictionary<(string Key, string Value), int> _loads = new();
        private readonly ConcurrentDictionary<string, bool> _failing = new();
        private readonly VersionedSource _gate = new();

        public Task HeldLoadStarted => _gate.HeldLoadStarted;

        public void Set(string key, string value) => _values[key] = value;

        public void Fail(string key) => _failing[key] = true;

        public TaskCompletionSource HoldNext() => _gate.HoldNext();

        public int LoadsOf(string key, string value) => _loads.GetValueOrDefault((key, value));

        public async ValueTask<ReadOnlyMemory<byte>> LoadAsync(string node, string key)
        {
            string value = _values.GetValueOrDefault(key, "initial");
            await _gate.LoadAsync(key, CancellationToken.None); // Waits here when held.
            if (_failing.ContainsKey(key))
            {
                throw new CacheSourceException("failing on purpose", isTimeout: false);
            }

            _loads.AddOrUpdate((key, value), 1, static (_, n) => n + 1);
            return Encoding.UTF8.GetBytes(value);
        }
    }
}
