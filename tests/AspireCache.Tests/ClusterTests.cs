namespace AspireCache.Tests;

public class ClusterTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static string[] Keys(int count) => Enumerable.Range(0, count).Select(i => $"user:{i}").ToArray();

    [Fact]
    public async Task EachKey_IsLoadedOnce_ByItsOwner_WhicheverNodeIsAskedFirst()
    {
        using var cluster = new InProcessCluster(3, "g-" + Guid.NewGuid().ToString("N"));
        string[] keys = Keys(300);
        string[] nodes = [.. cluster.Nodes];

        for (int i = 0; i < keys.Length; i++)
        {
            // Ask a different node first for each key, then every node.
            await cluster[nodes[i % 3]].GetAsync(keys[i], TestToken);
            foreach (string node in nodes)
            {
                CacheResult result = await cluster[node].GetAsync(keys[i], TestToken);
                Assert.Equal(InProcessCluster.ValueOf(keys[i]), result.Value.ToArray());
            }
        }

        Assert.Equal(keys.Length, cluster.Loads.Count);
        Assert.All(cluster.Loads, load => Assert.Equal(cluster.OwnerOf(load.Key), load.Node));
        Assert.Equal(3, cluster.Loads.Select(l => l.Node).Distinct().Count());
    }

    [Fact]
    public async Task NonOwners_AnswerFromThePeer_AndDoNotStoreIt_WhileTheOwnerHits()
    {
        using var cluster = new InProcessCluster(3, "g-" + Guid.NewGuid().ToString("N"));
        string key = "user:42";
        string owner = cluster.OwnerOf(key);
        string other = cluster.Nodes.First(n => n != owner);

        CacheResult first = await cluster[other].GetAsync(key, TestToken);
        CacheResult again = await cluster[other].GetAsync(key, TestToken);
        CacheResult atOwner = await cluster[owner].GetAsync(key, TestToken);

        Assert.Equal(CacheSource.Peer, first.Source);
        Assert.Equal(CacheSource.Peer, again.Source);
        Assert.Equal(CacheSource.Hit, atOwner.Source);
        Assert.Equal(0, cluster[other].Store.Count);
        Assert.Equal(1, cluster[owner].Store.Count);
        Assert.Single(cluster.Loads);
    }

    [Fact]
    public async Task WhenTheOwnerIsDown_TheNodeLoadsTheKeyItself_AndStillAnswers()
    {
        using var cluster = new InProcessCluster(3, "g-" + Guid.NewGuid().ToString("N"));
        string key = "user:7";
        string owner = cluster.OwnerOf(key);
        string other = cluster.Nodes.First(n => n != owner);
        cluster.Down[owner] = true;

        CacheResult result = await cluster[other].GetAsync(key, TestToken);

        Assert.Equal(CacheSource.Load, result.Source);
        Assert.Equal(InProcessCluster.ValueOf(key), result.Value.ToArray());
        Assert.Equal((other, key), Assert.Single(cluster.Loads));
        Assert.Equal(1, cluster[other].Stats.PeerErrors);
    }

    [Fact]
    public async Task ConcurrentGets_ThroughAllNodes_LoadTheKeyOnce()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cluster = new InProcessCluster(3, "g-" + Guid.NewGuid().ToString("N"), async (node, key) =>
        {
            await gate.Task;
            return InProcessCluster.ValueOf(key);
        });
        string[] nodes = [.. cluster.Nodes];

        Task<CacheResult>[] gets = Enumerable.Range(0, 300).Select(i => cluster[nodes[i % 3]].GetAsync("cold", TestToken).AsTask()).ToArray();
        await Task.Delay(50, TestToken); // Let the non-owners' fetches reach the owner.
        gate.SetResult();
        CacheResult[] results = await Task.WhenAll(gets);

        Assert.Single(cluster.Loads);
        Assert.All(results, r => Assert.Equal(InProcessCluster.ValueOf("cold"), r.Value.ToArray()));
    }

    [Fact]
    public async Task APeerRequest_IsNeverForwarded_EvenWhenRingsDisagree()
    {
        using var cluster = new InProcessCluster(2, "g-" + Guid.NewGuid().ToString("N"));
        string key = "user:1";
        string owner = cluster.OwnerOf(key);
        string other = cluster.Nodes.First(n => n != owner);

        // The node that is asked by a peer serves the key itself, whoever its ring says owns it.
        CacheResult served = await cluster[other].ServePeerAsync(key, TestToken);

        Assert.Equal(CacheSource.Load, served.Source);
        Assert.Equal((other, key), Assert.Single(cluster.Loads));
    }

    [Fact]
    public async Task APeerTakenOutOfTheRing_HasItsKeysOwnedAndLoadedOnceByTheOthers()
    {
        using var cluster = new InProcessCluster(3, "g-" + Guid.NewGuid().ToString("N"));
        string[] keys = [.. Enumerable.Range(0, 60).Select(i => $"user:{i}")];
        string down = "cache-2";
        string[] ownedByDown = [.. keys.Where(k => cluster.OwnerOf(k) == down)];
        cluster.Down[down] = true;

        foreach (string node in new[] { "cache-0", "cache-1" })
        {
            cluster.Pickers[node].SetRingMembers(["cache-0", "cache-1"]);
        }

        foreach (string key in ownedByDown)
        {
            await cluster["cache-0"].GetAsync(key, TestToken);
            await cluster["cache-1"].GetAsync(key, TestToken);
        }

        Assert.NotEmpty(ownedByDown);
        Assert.Equal(ownedByDown.Length, cluster.Loads.Count);
        Assert.All(cluster.Loads, load => Assert.Equal(cluster.Pickers["cache-0"].OwnerOf(load.Key), load.Node));
        Assert.Equal(0, cluster["cache-0"].Stats.PeerErrors + cluster["cache-1"].Stats.PeerErrors);

        // Back in the ring, the peer owns its keys again.
        cluster.Pickers["cache-0"].SetRingMembers(["cache-1", "cache-2"]);
        Assert.All(ownedByDown, key => Assert.Equal(down, cluster.Pickers["cache-0"].OwnerOf(key)));
    }
}
