namespace AspireCache.Tests;

public class MetricsTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static readonly (string, string) Success = ("aspirecache.outcome", "success");
    private static readonly (string, string) Error = ("aspirecache.outcome", "error");

    [Fact]
    public async Task AKnownSequence_IsCountedExactly()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        using var group = new CacheGroup(name, (key, _) => key.StartsWith("error-", StringComparison.Ordinal)
            ? throw new InvalidOperationException("backend failed")
            : ValueTask.FromResult<LoadedValue>(new byte[100]));

        await group.GetAsync("a", TestToken);   // miss, load
        await group.GetAsync("a", TestToken);   // hit
        await group.GetAsync("a", TestToken);   // hit
        await group.GetAsync("b", TestToken);   // miss, load
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await group.GetAsync("error-1", TestToken)); // miss, failed load

        Assert.Equal(5, metrics.Observed("aspirecache.gets"));
        Assert.Equal(2, metrics.Observed("aspirecache.hits"));
        Assert.Equal(3, metrics.Observed("aspirecache.misses"));
        Assert.Equal(2, metrics.Observed("aspirecache.loads", Success));
        Assert.Equal(1, metrics.Observed("aspirecache.loads", Error));
        Assert.Equal(0, metrics.Observed("aspirecache.singleflight.collapses"));
        Assert.Equal(0, metrics.Observed("aspirecache.peer.fetches", Success));
        Assert.Equal(0, metrics.Observed("aspirecache.evictions"));
        Assert.Equal(2, metrics.Observed("aspirecache.entry.count"));
        Assert.Equal(LruStore.SizeOf("a", new byte[100]) * 2, metrics.Observed("aspirecache.store.size"));
        // The store's capacity is the group's less the hot cache's share; together they are the group's.
        Assert.Equal(64L * 1024 * 1024, metrics.Observed("aspirecache.store.capacity") + metrics.Observed("aspirecache.hot.store.capacity"));
        Assert.Equal(8L * 1024 * 1024, metrics.Observed("aspirecache.hot.store.capacity"));

        Assert.Equal(2, metrics.Recorded("aspirecache.get.duration", ("aspirecache.result", "hit")).Length);
        Assert.Equal(2, metrics.Recorded("aspirecache.get.duration", ("aspirecache.result", "load")).Length);
        Assert.Equal(2, metrics.Recorded("aspirecache.load.duration", Success).Length);
        Assert.Single(metrics.Recorded("aspirecache.load.duration", Error));
        Assert.All(metrics.Recorded("aspirecache.get.duration"), seconds => Assert.InRange(seconds, 0, 5));
    }

    [Fact]
    public async Task Collapses_AndEvictions_AreCounted()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long oneEntry = LruStore.SizeOf("k0", new byte[100]);
        using var group = new CacheGroup(
            name,
            async (key, _) =>
            {
                await gate.Task;
                return new byte[100];
            },
            new CacheGroupOptions { CapacityBytes = 2 * oneEntry, HotCacheShare = 0 });

        Task<CacheResult>[] collapsed = Enumerable.Range(0, 10).Select(_ => group.GetAsync("k0", TestToken).AsTask()).ToArray();
        gate.SetResult();
        await Task.WhenAll(collapsed);
        await group.GetAsync("k1", TestToken);
        await group.GetAsync("k2", TestToken); // evicts k0
        await group.GetAsync("k3", TestToken); // evicts k1

        Assert.Equal(9, metrics.Observed("aspirecache.singleflight.collapses"));
        Assert.Equal(4, metrics.Observed("aspirecache.loads", Success));
        Assert.Equal(2, metrics.Observed("aspirecache.evictions"));
        Assert.Equal(2, metrics.Observed("aspirecache.entry.count"));
    }

    [Fact]
    public async Task OwnedRequests_CountStoreHitsAndOwnLoads_NotHotHitsOrFetches()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        using var cluster = new InProcessCluster(2, name);
        string key = "k-owned";
        string owner = cluster.OwnerOf(key);

        await cluster[owner].GetAsync(key, TestToken); // A load at the owner: owned.
        await cluster[owner].GetAsync(key, TestToken); // A store hit: owned.
        await cluster[cluster.NonOwnerOf(key)].GetAsync(key, TestToken); // A fetch at the non-owner, a peer's request at the owner: owned there.

        Assert.Equal(3, metrics.Observed("aspirecache.owned.requests"));
        Assert.Equal(3, cluster[owner].Stats.OwnedRequests);
    }

    [Fact]
    public async Task AFailedGet_RecordsItsDuration_ByHowItFailed()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        using var group = new CacheGroup(name, (key, _) => key switch
        {
            "missing" => throw new CacheKeyNotFoundException("no such key"),
            "slow" => throw new CacheSourceException("took too long", isTimeout: true),
            _ => throw new CacheSourceException("down", isTimeout: false),
        });

        await Assert.ThrowsAsync<CacheKeyNotFoundException>(async () => await group.GetAsync("missing", TestToken));
        await Assert.ThrowsAsync<CacheSourceException>(async () => await group.GetAsync("slow", TestToken));
        await Assert.ThrowsAsync<CacheSourceException>(async () => await group.GetAsync("broken", TestToken));

        Assert.Single(metrics.Recorded("aspirecache.get.duration", ("aspirecache.result", "not_found")));
        Assert.Single(metrics.Recorded("aspirecache.get.duration", ("aspirecache.result", "timeout")));
        Assert.Single(metrics.Recorded("aspirecache.get.duration", ("aspirecache.result", "error")));
        Assert.Equal(3, metrics.Recorded("aspirecache.get.duration").Length);
    }

    [Fact]
    public async Task EachFlight_RecordsHowManyCallersItServed()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using InProcessCluster cluster = HeldLoadsCluster(name, loading, release);
        string key = "k-herd";
        string asker = cluster.NonOwnerOf(key);

        // Five gets at a non-owner share one peer fetch; the owner's load serves that fetch and two gets of its own.
        Task<CacheResult>[] atAsker = [.. Enumerable.Range(0, 5).Select(_ => cluster[asker].GetAsync(key, TestToken).AsTask())];
        await loading.Task.WaitAsync(TestToken);
        Task<CacheResult>[] atOwner = [.. Enumerable.Range(0, 2).Select(_ => cluster[cluster.OwnerOf(key)].GetAsync(key, TestToken).AsTask())];
        release.SetResult();
        await Task.WhenAll([.. atAsker, .. atOwner]);
        await Waits.UntilAsync("both flights have landed", () => metrics.Recorded("aspirecache.herd.size").Length == 2, cancellationToken: TestToken);

        Assert.Equal([5.0], metrics.Recorded("aspirecache.herd.size", ("aspirecache.flight", "peer_fetch")));
        Assert.Equal([3.0], metrics.Recorded("aspirecache.herd.size", ("aspirecache.flight", "load")));
    }

    [Fact]
    public async Task AFallbackLoadThatJoinsALoadUnderWay_IsNoCollapse()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using InProcessCluster cluster = HeldLoadsCluster(name, loading, release);
        string key = "k-fallback";
        string asker = cluster.NonOwnerOf(key);

        // A peer whose ring says the asker owns the key has it loading there; the asker's own get then
        // finds the owner down and falls back to a load of its own, which joins that one.
        Task<CacheResult> served = cluster[asker].ServePeerAsync(key, TestToken).AsTask();
        await loading.Task.WaitAsync(TestToken);
        cluster.Down[cluster.OwnerOf(key)] = true;
        Task<CacheResult> get = cluster[asker].GetAsync(key, TestToken).AsTask();
        await Waits.UntilAsync("the asker's get has tried the owner", () => cluster[asker].Stats.PeerErrors == 1, cancellationToken: TestToken);
        release.SetResult();
        await Task.WhenAll(served, get);

        Assert.Single(cluster.Loads);
        Assert.Equal(0, cluster[asker].Stats.Collapses);
    }

    [Fact]
    public async Task PeerFetches_AreCountedByOutcome_AtTheAskingNode()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        using var cluster = new InProcessCluster(2, name);
        string owner = "cache-0";
        string asker = "cache-1";
        string[] ownedKeys = Enumerable.Range(0, 100).Select(i => $"k{i}").Where(k => cluster.OwnerOf(k) == owner).Take(3).ToArray();

        await cluster[asker].GetAsync(ownedKeys[0], TestToken);
        await cluster[asker].GetAsync(ownedKeys[1], TestToken);
        cluster.Down[owner] = true;
        await cluster[asker].GetAsync(ownedKeys[2], TestToken);

        // Both nodes report under the same group name: the sums cover the cluster.
        Assert.Equal(2, metrics.Observed("aspirecache.peer.fetches", Success));
        Assert.Equal(1, metrics.Observed("aspirecache.peer.fetches", Error));
        Assert.Equal(2, metrics.Observed("aspirecache.peer.serves"));
        Assert.Equal(3, metrics.Observed("aspirecache.loads", Success));
        Assert.Equal(3, metrics.Observed("aspirecache.gets"));
        Assert.Equal(0, metrics.Observed("aspirecache.hits"));
        Assert.Equal(2, metrics.Observed("aspirecache.owned.requests")); // The two requests the owner served; the key the asker loaded while the owner was down is not the asker's.
        Assert.Equal(2, metrics.Recorded("aspirecache.get.duration", ("aspirecache.result", "peer")).Length);
        Assert.Single(metrics.Recorded("aspirecache.get.duration", ("aspirecache.result", "load")));
    }

    [Fact]
    public void ADisposedGroup_IsNoLongerReported()
    {
        string name = "metrics-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        var group = new CacheGroup(name, (_, _) => default);
        Assert.Equal(56L * 1024 * 1024, metrics.Observed("aspirecache.store.capacity")); // 64 MiB less the hot eighth.

        group.Dispose();

        Assert.Equal(0, metrics.Observed("aspirecache.store.capacity"));
    }

    // Two nodes whose loads report that they started and then wait for the test to release them.
    private static InProcessCluster HeldLoadsCluster(string name, TaskCompletionSource loading, TaskCompletionSource release) =>
        new(2, name, async (node, key) =>
        {
            loading.TrySetResult();
            await release.Task;
            return InProcessCluster.ValueOf(key);
        });
}
