using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

/// <summary>What the source says is what the caller hears: no such key, too large, too large to keep.</summary>
public class SourceAnswerTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static string UniqueName() => "answer-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task NoSuchKey_ReachesTheCaller_AndIsNotRememberedAsAFailure()
    {
        int loads = 0;
        using var group = new CacheGroup(UniqueName(), (key, _) =>
        {
            loads++;
            throw new CacheKeyNotFoundException();
        });

        await Assert.ThrowsAsync<CacheKeyNotFoundException>(async () => await group.GetAsync("missing-1", TestToken));
        await Assert.ThrowsAsync<CacheKeyNotFoundException>(async () => await group.GetAsync("missing-1", TestToken));

        // The failure backoff (on by default) does not apply: each get asked the source.
        Assert.Equal(2, loads);
        Assert.Equal(2, group.Stats.LoadsNotFound);
        Assert.Equal(0, group.Stats.LoadErrors);
        Assert.Equal(2, group.Stats.Misses);
    }

    [Fact]
    public async Task TheNotFoundCache_AnswersWithinItsTtl_AndIsCountedApart()
    {
        var clock = new FakeTimeProvider();
        int loads = 0;
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) =>
            {
                loads++;
                throw new CacheKeyNotFoundException();
            },
            new CacheGroupOptions { NotFoundTtl = TimeSpan.FromSeconds(10), TimeProvider = clock });

        await Assert.ThrowsAsync<CacheKeyNotFoundException>(async () => await group.GetAsync("missing-1", TestToken));
        clock.Advance(TimeSpan.FromSeconds(9));
        await Assert.ThrowsAsync<CacheKeyNotFoundException>(async () => await group.GetAsync("missing-1", TestToken));
        Assert.Equal(1, loads);
        Assert.Equal(1, group.Stats.NegativeHits);

        clock.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<CacheKeyNotFoundException>(async () => await group.GetAsync("missing-1", TestToken));
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task ANonOwner_PassesTheOwnersNoSuchKeyOn_WithoutLoadingItself()
    {
        using var cluster = new InProcessCluster(
            3, UniqueName(), (_, _) => ValueTask.FromException<ReadOnlyMemory<byte>>(new CacheKeyNotFoundException()));
        const string key = "missing-7";
        CacheGroup asker = cluster[cluster.NonOwnerOf(key)];

        await Assert.ThrowsAsync<CacheKeyNotFoundException>(async () => await asker.GetAsync(key, TestToken));

        Assert.Equal([(cluster.OwnerOf(key), key)], cluster.Loads);
        Assert.Equal(1, asker.Stats.PeerNotFound);
        Assert.Equal(0, asker.Stats.PeerErrors);
    }

    [Fact]
    public async Task AValueOverMaxValueBytes_FailsAsTooLarge_IsCounted_AndIsNotKept()
    {
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) => ValueTask.FromResult<LoadedValue>(new byte[2048]),
            new CacheGroupOptions { MaxValueBytes = 1024 });

        CacheValueTooLargeException error = await Assert.ThrowsAsync<CacheValueTooLargeException>(async () => await group.GetAsync("big", TestToken));

        Assert.Contains("2048 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxValueBytes is 1024", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, group.Stats.ValuesTooLarge);
        Assert.Equal(1, group.Stats.LoadErrors);
        Assert.Equal(0, group.Store.Count);
    }

    [Fact]
    public async Task APeersValueOverMaxValueBytes_FailsAsTooLarge_WithoutALocalLoad()
    {
        int loads = 0;
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) =>
            {
                loads++;
                return ValueTask.FromResult<LoadedValue>(new byte[1]);
            },
            new CacheGroupOptions { MaxValueBytes = 1024 },
            new AlwaysPeer(new byte[2048]));

        await Assert.ThrowsAsync<CacheValueTooLargeException>(async () => await group.GetAsync("big", TestToken));

        Assert.Equal(0, loads);
        Assert.Equal(1, group.Stats.ValuesTooLarge);
        Assert.Equal(1, group.Stats.PeerSourceErrors);
    }

    [Fact]
    public async Task AValueLargerThanTheStore_IsServed_AndCountedAsUncacheable()
    {
        int loads = 0;
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) =>
            {
                loads++;
                return ValueTask.FromResult<LoadedValue>(new byte[4096]);
            },
            new CacheGroupOptions { CapacityBytes = 2048, HotCacheShare = 0 });

        CacheResult first = await group.GetAsync("wide", TestToken);
        CacheResult second = await group.GetAsync("wide", TestToken);

        Assert.Equal(4096, first.Value.Length);
        Assert.Equal(CacheSource.Load, second.Source);
        Assert.Equal(2, loads);
        Assert.Equal(2, group.Stats.Uncacheable);
    }

    /// <summary>A picker whose every key belongs to one peer that answers the same bytes.</summary>
    private sealed class AlwaysPeer(byte[] value) : IPeerPicker, ICachePeer
    {
        public string Name => "other";

        public bool TryPickPeer(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ICachePeer? peer)
        {
            peer = this;
            return true;
        }

        public IReadOnlyCollection<ICachePeer> Peers => [this];

        public IReadOnlyCollection<ICachePeer> RingPeers => [this];

        public ValueTask<CacheResult> GetAsync(string group, string key, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new CacheResult(value, CacheSource.Peer));

        public ValueTask RemoveAsync(string group, string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask WriteAsync(string group, string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask ClearAsync(string group, bool hotOnly, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
