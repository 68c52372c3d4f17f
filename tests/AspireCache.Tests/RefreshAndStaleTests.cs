using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

/// <summary>Refresh ahead keeps hot keys from stalling at expiry; stale-if-error covers a failing source for a bounded time.</summary>
public class RefreshAndStaleTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static string UniqueName() => "fresh-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AHitInTheLastPartOfTheLifetime_StartsOneBackgroundReload_AndNoCallerWaitsForIt()
    {
        var clock = new FakeTimeProvider();
        var source = new VersionedSource();
        using var group = new CacheGroup(UniqueName(), source.LoadAsync, new CacheGroupOptions { TimeToLive = Ttl, TimeToLiveJitter = 0, RefreshAhead = 0.2, TimeProvider = clock });
        await group.GetAsync("k", TestToken);

        clock.Advance(TimeSpan.FromSeconds(7.9));
        await group.GetAsync("k", TestToken); // Not yet in the last fifth.
        Assert.Equal(0, group.Stats.Refreshes);

        clock.Advance(TimeSpan.FromSeconds(0.2));
        TaskCompletionSource hold = source.HoldNext();
        CacheResult[] duringRefresh = [await group.GetAsync("k", TestToken), await group.GetAsync("k", TestToken), await group.GetAsync("k", TestToken)];
        await source.HeldLoadStarted;

        Assert.All(duringRefresh, result => Assert.Equal((CacheSource.Hit, "k#1"), (result.Source, Text(result))));
        Assert.Equal(1, group.Stats.Refreshes);
        Assert.Equal(2, source.Calls);

        hold.SetResult();
        await Waits.UntilAsync("the refreshed value is in the store", () => Text(group.Store.TryGet("k", out ReadOnlyMemory<byte> v) ? v : default) == "k#2", cancellationToken: TestToken);
        CacheResult refreshed = await group.GetAsync("k", TestToken);
        Assert.Equal((CacheSource.Hit, "k#2"), (refreshed.Source, Text(refreshed)));
        Assert.Equal(Ttl, refreshed.TimeToLive);
    }

    [Fact]
    public async Task AHotCopyDueForRefresh_RefetchesFromTheOwner_WhichRefreshesItsOwnValue()
    {
        var clock = new FakeTimeProvider();
        int loads = 0;
        using var cluster = new InProcessCluster(
            3,
            UniqueName(),
            (node, key) => ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes($"{key}#{Interlocked.Increment(ref loads)}")),
            new CacheGroupOptions { TimeToLive = Ttl, TimeToLiveJitter = 0, RefreshAhead = 0.2, TimeProvider = clock });
        const string key = "hot-refresh";
        CacheGroup asker = cluster[cluster.NonOwnerOf(key)];
        await asker.GetAsync(key, TestToken);
        await asker.GetAsync(key, TestToken); // Now a hot copy, expiring with the owner's value.

        clock.Advance(TimeSpan.FromSeconds(9));
        CacheResult hot = await asker.GetAsync(key, TestToken);
        Assert.Equal(CacheSource.Hot, hot.Source);
        await Waits.UntilAsync("the owner has loaded the key again", () => Volatile.Read(ref loads) == 2, cancellationToken: TestToken);
        await Waits.UntilAsync("the owner stores the refreshed value", () => cluster[cluster.OwnerOf(key)].Store.TryGet(key, out ReadOnlyMemory<byte> v) && Text(v) == $"{key}#2", cancellationToken: TestToken);
        await Waits.UntilAsync("the asker's background fetch has landed", () => asker.FlightsUnderWay == 0, cancellationToken: TestToken);

        clock.Advance(TimeSpan.FromSeconds(1)); // The first value's expiry: the owner serves the refreshed one.
        CacheResult afterExpiry = await asker.GetAsync(key, TestToken);
        Assert.Equal($"{key}#2", Text(afterExpiry));
        Assert.Equal(2, Volatile.Read(ref loads));
    }

    [Fact]
    public async Task AFailedReloadOfAnExpiredValue_ServesItStale_RetriesOnlyAfterTheBackoff_AndStopsAtTheStaleLimit()
    {
        var clock = new FakeTimeProvider();
        var source = new VersionedSource();
        using var group = new CacheGroup(UniqueName(), source.LoadAsync, new CacheGroupOptions
        {
            TimeToLive = Ttl,
            TimeToLiveJitter = 0,
            StaleIfError = TimeSpan.FromSeconds(30),
            FailureBackoff = TimeSpan.FromSeconds(5),
            TimeProvider = clock,
        });
        await group.GetAsync("k", TestToken);
        source.Failure = new CacheSourceException("down", isTimeout: false);

        clock.Advance(Ttl + TimeSpan.FromSeconds(1));
        CacheResult stale = await group.GetAsync("k", TestToken);
        CacheResult staleAgain = await group.GetAsync("k", TestToken);
        Assert.Equal(2, source.Calls); // The second get met the remembered failure: no call.

        Assert.True(stale.IsStale);
        Assert.Equal((CacheSource.Hit, "k#1"), (stale.Source, Text(stale)));
        Assert.Equal(TimeSpan.FromSeconds(11), stale.Age);
        Assert.True(staleAgain.IsStale);
        Assert.Equal(2, group.Stats.StaleServes);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await group.GetAsync("k", TestToken)).IsStale);
        Assert.Equal(3, source.Calls);

        clock.Advance(TimeSpan.FromSeconds(25)); // 31 s past expiry.
        await Assert.ThrowsAsync<CacheSourceException>(() => group.GetAsync("k", TestToken).AsTask());

        source.Failure = null;
        clock.Advance(TimeSpan.FromSeconds(5));
        CacheResult recovered = await group.GetAsync("k", TestToken);
        Assert.False(recovered.IsStale);
        Assert.Equal(CacheSource.Load, recovered.Source);
    }

    [Fact]
    public async Task ASourceThatSaysTheKeyIsGone_IsBelieved_NotCoveredWithTheStaleValue()
    {
        var clock = new FakeTimeProvider();
        var source = new VersionedSource();
        using var group = new CacheGroup(UniqueName(), source.LoadAsync, new CacheGroupOptions { TimeToLive = Ttl, StaleIfError = TimeSpan.FromMinutes(1), TimeProvider = clock });
        await group.GetAsync("k", TestToken);
        source.Failure = new CacheKeyNotFoundException();
        clock.Advance(Ttl);

        await Assert.ThrowsAsync<CacheKeyNotFoundException>(() => group.GetAsync("k", TestToken).AsTask());
        source.Failure = new CacheSourceException("down", isTimeout: false);
        await Assert.ThrowsAsync<CacheSourceException>(() => group.GetAsync("k", TestToken).AsTask());
        Assert.Equal(0, group.Stats.StaleServes);
    }

    [Fact]
    public async Task AnOwnerServingStale_TellsTheAskingNode_WhichKeepsNoHotCopyOfIt()
    {
        var clock = new FakeTimeProvider();
        bool failing = false;
        using var cluster = new InProcessCluster(
            3,
            UniqueName(),
            (node, key) => failing ? throw new CacheSourceException("down", isTimeout: false) : ValueTask.FromResult<ReadOnlyMemory<byte>>(InProcessCluster.ValueOf(key)),
            new CacheGroupOptions { TimeToLive = Ttl, TimeToLiveJitter = 0, StaleIfError = TimeSpan.FromMinutes(1), FailureBackoff = TimeSpan.Zero, TimeProvider = clock });
        const string key = "stale-at-owner";
        CacheGroup asker = cluster[cluster.NonOwnerOf(key)];
        await asker.GetAsync(key, TestToken);
        await asker.GetAsync(key, TestToken);
        failing = true;
        clock.Advance(Ttl);

        CacheResult first = await asker.GetAsync(key, TestToken);
        CacheResult second = await asker.GetAsync(key, TestToken);
        failing = false;
        CacheResult recovered = await asker.GetAsync(key, TestToken);

        // The owner covered its failed reload with its stale value and said so; the asker passed that on,
        // and did not keep the stale value as a fresh hot copy: every get went back to the owner.
        Assert.All([first, second], result => Assert.Equal((CacheSource.Peer, true), (result.Source, result.IsStale)));
        Assert.Equal(InProcessCluster.ValueOf(key), first.Value.ToArray());
        Assert.Equal((CacheSource.Peer, false), (recovered.Source, recovered.IsStale));
        Assert.Equal(2, cluster[cluster.OwnerOf(key)].Stats.StaleServes);
    }

    [Fact]
    public async Task WhileTheSourceIsDown_StaleServesThrowNoExceptionPerGet()
    {
        var clock = new FakeTimeProvider();
        var source = new VersionedSource();
        using var group = new CacheGroup(UniqueName(), source.LoadAsync, new CacheGroupOptions
        {
            TimeToLive = Ttl,
            TimeToLiveJitter = 0,
            StaleIfError = TimeSpan.FromMinutes(10),
            FailureBackoff = TimeSpan.FromMinutes(1),
            TimeProvider = clock,
        });
        await group.GetAsync("k", TestToken);
        clock.Advance(Ttl);
        source.Failure = new CacheSourceException("down", isTimeout: false);
        Assert.True((await group.GetAsync("k", TestToken)).IsStale); // The one reload: it fails, and is remembered.

        // Counted on this thread only, where every get below completes: tests running beside this one throw
        // exceptions of their own (a hand-off test's unreachable peer, say), which say nothing about these gets.
        int thrown = 0;
        int thread = Environment.CurrentManagedThreadId;
        EventHandler<System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs> count = (_, e) =>
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                Interlocked.Increment(ref thrown);
            }
        };
        AppDomain.CurrentDomain.FirstChanceException += count;
        try
        {
            for (int i = 0; i < 1000; i++)
            {
                Assert.True(group.GetAsync("k", TestToken) is { IsCompletedSuccessfully: true, Result.IsStale: true });
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= count;
        }

        Assert.Equal(0, thrown);
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public async Task AValueANonOwnerLoadedWhileItsOwnerWasDown_IsRefreshedByTheOwner()
    {
        var clock = new FakeTimeProvider();
        using var cluster = new InProcessCluster(3, UniqueName(), options: new CacheGroupOptions { TimeToLive = Ttl, TimeToLiveJitter = 0, RefreshAhead = 0.2, TimeProvider = clock });
        const string key = "fallback-refresh";
        string owner = cluster.OwnerOf(key);
        string asker = cluster.NonOwnerOf(key);
        cluster.Down[owner] = true;
        Assert.Equal(CacheSource.Load, (await cluster[asker].GetAsync(key, TestToken)).Source); // Loaded here, kept in its store.
        cluster.Down.Clear();

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(CacheSource.Hit, (await cluster[asker].GetAsync(key, TestToken)).Source);
        await Waits.UntilAsync("the owner has refreshed the key", () => cluster.Loads.Count == 2, cancellationToken: TestToken);

        Assert.Equal([(asker, key), (owner, key)], cluster.Loads);
    }

    private static string Text(ReadOnlyMemory<byte> value) => Encoding.UTF8.GetString(value.Span);

    private static string Text(CacheResult result) => Text(result.Value);
}
