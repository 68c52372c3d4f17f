namespace AspireCache.Tests;

/// <summary>
/// The warm hand-off: for a while after a membership change, a key's new owner asks the key's previous
/// owner's store before it calls the source, and nothing removed or expired comes back that way.
/// </summary>
public sealed class HandOffTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private static readonly string[] Keys = [.. Enumerable.Range(0, 300).Select(i => $"key-{i}")];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AJoiningNode_TakesTheKeysItNowOwnsFromTheirPreviousOwners_WithoutLoadingThem()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);
        int loadsBefore = cluster.Loads.Count;

        Join(cluster, "d", "a", "b", "c", "d");
        string[] moved = [.. Keys.Where(key => cluster.PickerOf("d").OwnerOf(key) == "d")];
        foreach (string key in Keys)
        {
            Assert.Equal($"{key} v0", HandOffCluster.ValueOf(await cluster["d"].GetAsync(key, Token)));
        }

        Assert.InRange(moved.Length, Keys.Length / 8, Keys.Length / 2);
        Assert.Equal(loadsBefore, cluster.Loads.Count);
        Assert.Equal(moved.Length, cluster["d"].Stats.HandOffHits);
        Assert.Equal(0, cluster["d"].Stats.HandOffMisses);

        // The new owner keeps what it was handed: the next get is a hit, and asks nobody.
        Assert.Equal(moved.Length, cluster["d"].StoreStats.Count);
        Assert.Equal(CacheSource.Hit, (await cluster["d"].GetAsync(moved[0], Token)).Source);
    }

    [Fact]
    public async Task ALeavingNode_IsAskedWhileItDrains_SoItsKeysAreNotLoadedAgain()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c", "d"]);
        string[] dKeys = [.. Keys.Where(key => cluster.PickerOf("a").OwnerOf(key) == "d")];
        int loadsBefore = cluster.Loads.Count;

        foreach (string node in new[] { "a", "b", "c" })
        {
            cluster.ChangeMembership(node, Window, "a", "b", "c");
        }

        foreach (string key in dKeys)
        {
            Assert.Equal($"{key} v0", HandOffCluster.ValueOf(await cluster["a"].GetAsync(key, Token)));
        }

        Assert.NotEmpty(dKeys);
        Assert.Equal(loadsBefore, cluster.Loads.Count);
        Assert.Equal(dKeys.Length, cluster.HandOffsServed.GetValueOrDefault("d"));
    }

    [Fact]
    public async Task AKeyRemovedAtItsPreviousOwner_IsLoadedFromTheSource_NotHandedOff()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);
        Join(cluster, "d", "a", "b", "c", "d");
        string key = FirstKeyOwnedBy(cluster, "d");
        string previous = OwnerIn(["a", "b", "c"], key);

        cluster.Versions[key] = 1;
        cluster[previous].RemoveLocally(key);

        Assert.Equal($"{key} v1", HandOffCluster.ValueOf(await cluster["d"].GetAsync(key, Token)));
        Assert.Equal(1, cluster["d"].Stats.HandOffMisses);
        Assert.Equal(0, cluster["d"].Stats.HandOffHits);
        Assert.Single(cluster.Loads, load => load == ("d", key));
    }

    [Fact]
    public async Task AKeyRemovedAtTheNewOwner_IsNotHandedOff_ThoughThePreviousOwnerHasNotHeardYet()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);
        Join(cluster, "d", "a", "b", "c", "d");
        string key = FirstKeyOwnedBy(cluster, "d");

        // A removal reaches the owner first and the previous owner after: d has removed it, its previous owner still holds the old value.
        cluster.Versions[key] = 1;
        cluster["d"].RemoveLocally(key);

        Assert.Equal($"{key} v1", HandOffCluster.ValueOf(await cluster["d"].GetAsync(key, Token)));
        Assert.Empty(cluster.HandOffsServed);
    }

    [Fact]
    public async Task AGroupClearedAtTheNewOwner_HandsNothingOff()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);
        Join(cluster, "d", "a", "b", "c", "d");
        string key = FirstKeyOwnedBy(cluster, "d");
        cluster.Versions[key] = 1;

        cluster["d"].ClearLocally();

        Assert.Equal($"{key} v1", HandOffCluster.ValueOf(await cluster["d"].GetAsync(key, Token)));
        Assert.Empty(cluster.HandOffsServed);
    }

    [Fact]
    public async Task ARemovalInTheWindow_ReachesTheKeysPreviousOwnerBeforeItsOwner()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);
        Join(cluster, "d", "a", "b", "c", "d");
        string key = Keys.First(k => cluster.PickerOf("d").OwnerOf(k) == "d" && OwnerIn(["a", "b", "c"], k) != "b");
        string previous = OwnerIn(["a", "b", "c"], key);

        await cluster["b"].RemoveAsync(key);

        string[] order = [.. cluster.Removals.Where(r => r.Key == key).Select(r => r.Node)];
        Assert.True(Array.IndexOf(order, previous) >= 0 && Array.IndexOf(order, previous) < Array.IndexOf(order, "d"), $"removals in order: {string.Join(", ", order)}; previous owner {previous}");
    }

    [Fact]
    public async Task AWriteAtTheNewOwnerDuringAHandOff_Stays()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);
        Join(cluster, "d", "a", "b", "c", "d");
        string key = FirstKeyOwnedBy(cluster, "d");
        (TaskCompletionSource gate, Task asked) = cluster.HoldHandOffs();

        Task<CacheResult> get = cluster["d"].GetAsync(key, Token).AsTask();
        await asked.WaitAsync(Token);
        cluster["d"].WriteLocally(key, "written"u8.ToArray());
        gate.SetResult();
        await get;
        cluster.ReleaseHandOffs();

        Assert.Equal("written", HandOffCluster.ValueOf(await cluster["d"].GetAsync(key, Token)));
    }

    [Fact]
    public async Task ARemovalAtTheNewOwnerDuringAHandOff_KeepsTheHandedOffValueOutOfItsStore()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);
        Join(cluster, "d", "a", "b", "c", "d");
        string key = FirstKeyOwnedBy(cluster, "d");
        (TaskCompletionSource gate, Task asked) = cluster.HoldHandOffs();

        Task<CacheResult> get = cluster["d"].GetAsync(key, Token).AsTask();
        await asked.WaitAsync(Token);
        cluster.Versions[key] = 1;
        cluster["d"].RemoveLocally(key);
        gate.SetResult();
        await get;
        cluster.ReleaseHandOffs();

        // The get that was waiting had its answer; the removal keeps that answer out of the store.
        Assert.Equal(0, cluster["d"].StoreStats.Count);
        Assert.Equal($"{key} v1", HandOffCluster.ValueOf(await cluster["d"].GetAsync(key, Token)));
    }

    [Fact]
    public async Task AnExpiredValue_IsNotHandedOff_AndAHandedOffValueKeepsOnlyWhatWasLeftOfItsLifetime()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"], timeToLive: TimeSpan.FromSeconds(10));
        Join(cluster, "d", "a", "b", "c", "d");
        string[] moved = [.. Keys.Where(k => cluster.PickerOf("d").OwnerOf(k) == "d").Take(2)];
        foreach (string key in moved)
        {
            cluster.Versions[key] = 1;
        }

        // Six of its ten seconds gone: handed off with four left, so it expires at the new owner four seconds on.
        cluster.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal($"{moved[0]} v0", HandOffCluster.ValueOf(await cluster["d"].GetAsync(moved[0], Token)));
        Assert.Equal(1, cluster["d"].Stats.HandOffHits);
        cluster.Clock.Advance(TimeSpan.FromSeconds(4.5));
        Assert.Equal($"{moved[0]} v1", HandOffCluster.ValueOf(await cluster["d"].GetAsync(moved[0], Token)));

        // Past its expiry at the previous owner: not handed off, loaded.
        Assert.Equal($"{moved[1]} v1", HandOffCluster.ValueOf(await cluster["d"].GetAsync(moved[1], Token)));
        Assert.Equal(1, cluster["d"].Stats.HandOffHits);
        Assert.Equal(2, cluster["d"].Stats.HandOffMisses);
    }

    [Fact]
    public async Task AfterTheWindow_AnOwnerLoadsWithoutAsking()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);
        Join(cluster, "d", "a", "b", "c", "d");
        string key = FirstKeyOwnedBy(cluster, "d");

        cluster.Clock.Advance(Window);
        await cluster["d"].GetAsync(key, Token);

        Assert.Empty(cluster.HandOffsServed);
        Assert.Single(cluster.Loads, load => load == ("d", key));
        Assert.Empty(cluster.PickerOf("d").PreviousOwnersOf(key));
    }

    [Fact]
    public async Task APreviousOwnerThatCannotBeAsked_CostsALoad_NotAnError()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c", "d"]);
        string key = Keys.First(k => cluster.PickerOf("a").OwnerOf(k) == "d");
        cluster.Gone["d"] = true;
        foreach (string node in new[] { "a", "b", "c" })
        {
            cluster.ChangeMembership(node, Window, "a", "b", "c");
        }

        string owner = cluster.PickerOf("a").OwnerOf(key);
        Assert.Equal($"{key} v0", HandOffCluster.ValueOf(await cluster[owner].GetAsync(key, Token)));
        Assert.Equal(1, cluster[owner].Stats.HandOffErrors);
        Assert.Single(cluster.Loads, load => load == (owner, key));
    }

    [Fact]
    public async Task ChangesWithinTheWindow_AskWhereTheRingBeforeTheFirstPutTheKeys()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c", "d"]);
        int loadsBefore = cluster.Loads.Count;

        // d leaves, then c, before anyone asks for a key: every key is still where {a, b, c, d} put it, and
        // a key of d's that the ring {a, b, c} gave to c is not at c.
        foreach (string node in new[] { "a", "b", "c" })
        {
            cluster.ChangeMembership(node, Window, "a", "b", "c");
        }

        foreach (string node in new[] { "a", "b" })
        {
            cluster.ChangeMembership(node, Window, "a", "b");
        }

        foreach (string key in Keys)
        {
            Assert.Equal($"{key} v0", HandOffCluster.ValueOf(await cluster["a"].GetAsync(key, Token)));
        }

        Assert.Equal(loadsBefore, cluster.Loads.Count);
        Assert.True(cluster.HandOffsServed.GetValueOrDefault("c") > 0 && cluster.HandOffsServed.GetValueOrDefault("d") > 0);
    }

    [Fact]
    public async Task AKeyFirstLoadedBetweenTwoChanges_IsAskedWhereTheRingBetweenThemPutIt()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);
        Join(cluster, "d", "a", "b", "c", "d");
        string[] later = [.. Enumerable.Range(0, 300).Select(i => $"later-{i}")];
        foreach (string key in later)
        {
            await cluster["a"].GetAsync(key, Token);
        }

        int loadsBefore = cluster.Loads.Count;

        // d leaves within the window of its joining: its keys, loaded while it was a member, are at d.
        foreach (string node in new[] { "a", "b", "c" })
        {
            cluster.ChangeMembership(node, Window, "a", "b", "c");
        }

        foreach (string key in later)
        {
            Assert.Equal($"{key} v0", HandOffCluster.ValueOf(await cluster["b"].GetAsync(key, Token)));
        }

        Assert.Equal(loadsBefore, cluster.Loads.Count);
        Assert.True(cluster.HandOffsServed.GetValueOrDefault("d") > 0);
    }

    [Fact]
    public async Task AStaticStart_IsNoMembershipChange_SoNothingIsAsked()
    {
        using HandOffCluster cluster = await WarmClusterAsync(["a", "b", "c"]);

        Assert.All(Keys, key => Assert.Empty(cluster.PickerOf("a").PreviousOwnersOf(key)));
        Assert.Empty(cluster.HandOffsServed);
    }

    // Nodes agreed on each other without a hand-off (as nodes given a fixed member list start), with every key loaded once by its owner.
    private static async Task<HandOffCluster> WarmClusterAsync(string[] nodes, TimeSpan timeToLive = default)
    {
        var cluster = new HandOffCluster(nodes, timeToLive);
        foreach (string node in nodes)
        {
            cluster.ChangeMembership(node, TimeSpan.Zero, nodes);
        }

        foreach (string key in Keys)
        {
            await cluster[nodes[0]].GetAsync(key, Token);
        }

        return cluster;
    }

    // A node starts, and then every node, itself included, learns the new member set.
    private static void Join(HandOffCluster cluster, string joining, params string[] members)
    {
        cluster.Add(joining);
        foreach (string node in members)
        {
            cluster.ChangeMembership(node, Window, members);
        }
    }

    // A key that d owns once it has joined: one that moved to it.
    private static string FirstKeyOwnedBy(HandOffCluster cluster, string node) => Keys.First(k => cluster.PickerOf(node).OwnerOf(k) == node);

    private static string OwnerIn(string[] members, string key)
    {
        var ring = new ConsistentHashRing();
        ring.SetMembers(members);
        return ring.GetOwner(key)!;
    }
}
