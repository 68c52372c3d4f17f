using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

/// <summary>Values expire after the group's time to live or the source's, and are reloaded through one flight.</summary>
public class ExpiryTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static string UniqueName() => "ttl-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AValue_IsServedUntilItsTimeToLive_ThenReloaded()
    {
        var clock = new FakeTimeProvider();
        var source = new VersionedSource();
        using var group = new CacheGroup(UniqueName(), source.LoadAsync, Options(clock));

        Assert.Equal("k#1", Text(await group.GetAsync("k", TestToken)));
        clock.Advance(Ttl - TimeSpan.FromTicks(1));
        CacheResult beforeExpiry = await group.GetAsync("k", TestToken);
        clock.Advance(TimeSpan.FromTicks(1));
        CacheResult afterExpiry = await group.GetAsync("k", TestToken);

        Assert.Equal((CacheSource.Hit, "k#1"), (beforeExpiry.Source, Text(beforeExpiry)));
        Assert.Equal(TimeSpan.FromTicks(1), beforeExpiry.TimeToLive);
        Assert.Equal(Ttl - TimeSpan.FromTicks(1), beforeExpiry.Age);
        Assert.Equal((CacheSource.Load, "k#2"), (afterExpiry.Source, Text(afterExpiry)));
        Assert.Equal(1, group.Stats.Expirations);
    }

    [Fact]
    public async Task WithoutATimeToLive_ValuesNeverExpire()
    {
        var clock = new FakeTimeProvider();
        var source = new VersionedSource();
        using var group = new CacheGroup(UniqueName(), source.LoadAsync, new CacheGroupOptions { TimeProvider = clock });

        await group.GetAsync("k", TestToken);
        clock.Advance(TimeSpan.FromDays(365));
        CacheResult result = await group.GetAsync("k", TestToken);

        Assert.Equal((CacheSource.Hit, "k#1"), (result.Source, Text(result)));
        Assert.Null(result.TimeToLive);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task Jitter_ShortensLifetimesWithinItsShare_NeverLengthensThem()
    {
        var clock = new FakeTimeProvider();
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) => ValueTask.FromResult<LoadedValue>(new byte[1]),
            new CacheGroupOptions { TimeToLive = Ttl, TimeToLiveJitter = 0.5, TimeProvider = clock });

        var lifetimes = new List<TimeSpan>();
        for (int i = 0; i < 200; i++)
        {
            lifetimes.Add((await group.GetAsync($"k{i}", TestToken)).TimeToLive!.Value);
        }

        Assert.All(lifetimes, lifetime => Assert.InRange(lifetime, Ttl / 2, Ttl));
        Assert.True(lifetimes.Distinct().Count() > 100, "Lifetimes should spread out.");
    }

    [Theory]
    [InlineData(5, 5)] // The source's shorter lifetime wins.
    [InlineData(120, 10)] // The group's time to live is the upper bound.
    public async Task TheSourcesLifetime_AppliesUpToTheGroups(int sourceSeconds, int expectedSeconds)
    {
        var clock = new FakeTimeProvider();
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) => ValueTask.FromResult(new LoadedValue(new byte[1], TimeSpan.FromSeconds(sourceSeconds))),
            Options(clock));

        CacheResult loaded = await group.GetAsync("k", TestToken);
        clock.Advance(TimeSpan.FromSeconds(expectedSeconds) - TimeSpan.FromTicks(1));
        CacheSource justBefore = (await group.GetAsync("k", TestToken)).Source;
        clock.Advance(TimeSpan.FromTicks(1));
        CacheSource atExpiry = (await group.GetAsync("k", TestToken)).Source;

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), loaded.TimeToLive);
        Assert.Equal((CacheSource.Hit, CacheSource.Load), (justBefore, atExpiry));
    }

    [Fact]
    public async Task ASourcesLifetime_AppliesWithoutAGroupTimeToLive_AndZeroMeansServeButDoNotKeep()
    {
        var clock = new FakeTimeProvider();
        int loads = 0;
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) =>
            {
                Interlocked.Increment(ref loads);
                return ValueTask.FromResult(new LoadedValue(new byte[1], key == "no-store" ? TimeSpan.Zero : TimeSpan.FromSeconds(3)));
            },
            new CacheGroupOptions { TimeProvider = clock });

        await group.GetAsync("no-store", TestToken);
        CacheResult again = await group.GetAsync("no-store", TestToken);
        await group.GetAsync("short", TestToken);
        clock.Advance(TimeSpan.FromSeconds(3));
        await group.GetAsync("short", TestToken);

        Assert.Equal(CacheSource.Load, again.Source);
        Assert.Equal(TimeSpan.Zero, again.TimeToLive);
        Assert.Equal(4, loads);
    }

    [Fact]
    public async Task ManyGetsOfAnExpiredKey_ShareOneReload()
    {
        var clock = new FakeTimeProvider();
        var source = new VersionedSource();
        using var group = new CacheGroup(UniqueName(), source.LoadAsync, Options(clock));
        await group.GetAsync("k", TestToken);
        clock.Advance(Ttl);

        TaskCompletionSource hold = source.HoldNext();
        Task<CacheResult>[] gets = [.. Enumerable.Range(0, 20).Select(_ => group.GetAsync("k", TestToken).AsTask())];
        hold.SetResult();
        CacheResult[] results = await Task.WhenAll(gets);

        Assert.All(results, result => Assert.Equal("k#2", Text(result)));
        Assert.Equal(2, source.Calls);
        Assert.Equal(1, group.Stats.Expirations);
    }

    [Fact]
    public async Task AHotCopy_ExpiresWithTheOwnersValue_NotAFullLifetimeAfterItsFetch()
    {
        var clock = new FakeTimeProvider();
        using var cluster = new InProcessCluster(3, UniqueName(), options: Options(clock));
        const string key = "hot-ttl";
        CacheGroup asker = cluster[cluster.NonOwnerOf(key)];

        await cluster[cluster.OwnerOf(key)].GetAsync(key, TestToken); // Loaded at t0.
        clock.Advance(TimeSpan.FromSeconds(6));
        await asker.GetAsync(key, TestToken);
        CacheResult kept = await asker.GetAsync(key, TestToken); // The second ask is admitted.
        CacheResult hot = await asker.GetAsync(key, TestToken);
        clock.Advance(TimeSpan.FromSeconds(4));
        CacheResult afterOwnersExpiry = await asker.GetAsync(key, TestToken);

        Assert.Equal(CacheSource.Peer, kept.Source);
        Assert.Equal((TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)), (kept.TimeToLive!.Value, kept.Age));
        Assert.Equal(CacheSource.Hot, hot.Source);
        Assert.Equal(TimeSpan.FromSeconds(4), hot.TimeToLive);
        Assert.Equal(CacheSource.Peer, afterOwnersExpiry.Source);
        Assert.Equal(2, cluster.Loads.Count); // The owner reloaded it once.
    }

    private static CacheGroupOptions Options(TimeProvider clock) =>
        new() { TimeToLive = Ttl, TimeToLiveJitter = 0, TimeProvider = clock };

    private static string Text(CacheResult result) => Encoding.UTF8.GetString(result.Value.Span);
}
