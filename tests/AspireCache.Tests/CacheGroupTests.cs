using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

public class CacheGroupTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static string UniqueName() => "g-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task GetAsync_LoadsOnce_ThenHitsWithTheStoredBytes()
    {
        int loads = 0;
        byte[] loaded = [1, 2, 3];
        using var group = new CacheGroup(UniqueName(), (key, _) =>
        {
            loads++;
            return ValueTask.FromResult<LoadedValue>(loaded);
        });

        CacheResult first = await group.GetAsync("k", TestToken);
        CacheResult second = await group.GetAsync("k", TestToken);

        Assert.Equal(CacheSource.Load, first.Source);
        Assert.Equal(CacheSource.Hit, second.Source);
        Assert.Equal(1, loads);
        Assert.True(MemoryMarshal.TryGetArray(second.Value, out ArraySegment<byte> segment));
        Assert.Same(loaded, segment.Array);
    }

    [Fact]
    public async Task GetAsync_WhenTheLoaderThrows_ThrowsAndCachesNothing_AndRetriesAfterTheBackoff()
    {
        int loads = 0;
        var clock = new FakeTimeProvider();
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) =>
            {
                loads++;
                return loads == 1
                    ? throw new InvalidOperationException("backend failed")
                    : ValueTask.FromResult<LoadedValue>(new byte[] { 9 });
            },
            new CacheGroupOptions { FailureBackoff = TimeSpan.FromSeconds(1), TimeProvider = clock });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await group.GetAsync("k", TestToken));
        clock.Advance(TimeSpan.FromMilliseconds(900));
        var withinBackoff = await Assert.ThrowsAsync<InvalidOperationException>(async () => await group.GetAsync("k", TestToken));
        Assert.Equal(1, loads);
        clock.Advance(TimeSpan.FromMilliseconds(200));
        CacheResult retry = await group.GetAsync("k", TestToken);

        Assert.Equal("backend failed", error.Message);
        Assert.Same(error, withinBackoff);
        Assert.Equal(CacheSource.Load, retry.Source);
        Assert.Equal([9], retry.Value.ToArray());
        Assert.Equal(2, loads);
        Assert.Equal(1, group.Stats.LoadErrors);
    }

    [Fact]
    public async Task GetAsync_WithoutABackoff_RetriesAFailedKeyAtOnce()
    {
        int loads = 0;
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) => ++loads == 1 ? throw new InvalidOperationException("once") : ValueTask.FromResult<LoadedValue>(new byte[1]),
            new CacheGroupOptions { FailureBackoff = TimeSpan.Zero });

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await group.GetAsync("k", TestToken));
        await group.GetAsync("k", TestToken);

        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task GetAsync_ConcurrentMisses_CallTheLoaderOnce()
    {
        int loads = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var group = new CacheGroup(UniqueName(), async (key, _) =>
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            return Encoding.UTF8.GetBytes(key);
        });

        Task<CacheResult>[] gets = Enumerable.Range(0, 50).Select(_ => group.GetAsync("k", TestToken).AsTask()).ToArray();
        gate.SetResult();
        CacheResult[] results = await Task.WhenAll(gets);

        Assert.Equal(1, loads);
        Assert.All(results, r => Assert.Equal("k"u8.ToArray(), r.Value.ToArray()));
        Assert.Equal(49, group.Stats.Collapses);
    }

    [Fact]
    public async Task GetAsync_ACallerThatCancels_DoesNotCancelTheLoadForOthers()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken seenByLoader = default;
        using var group = new CacheGroup(UniqueName(), async (key, ct) =>
        {
            seenByLoader = ct;
            await gate.Task;
            return new byte[] { 1 };
        });
        using var impatient = new CancellationTokenSource();

        Task<CacheResult> first = group.GetAsync("k", impatient.Token).AsTask();
        Task<CacheResult> second = group.GetAsync("k", TestToken).AsTask();
        impatient.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.False(seenByLoader.IsCancellationRequested);
        gate.SetResult();
        Assert.Equal(CacheSource.Load, (await second).Source);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void GetAsync_EmptyKey_IsRejected(string? key)
    {
        using var group = new CacheGroup(UniqueName(), (_, _) => throw new InvalidOperationException("must not load"));

        var error = Assert.Throws<InvalidCacheKeyException>(() => group.GetAsync(key!, TestToken));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_KeyLength_IsMeasuredInUtf8Bytes()
    {
        using var group = new CacheGroup(UniqueName(), (k, _) => ValueTask.FromResult<LoadedValue>(new byte[1]));

        await group.GetAsync(new string('a', 250), TestToken);
        await group.GetAsync(new string('é', 125), TestToken); // 250 bytes
        await group.GetAsync(string.Concat(Enumerable.Repeat("😀", 62)), TestToken); // 248 bytes in 124 chars
        var tooLong = Assert.Throws<InvalidCacheKeyException>(() => group.GetAsync(new string('a', 251), TestToken));
        Assert.Throws<InvalidCacheKeyException>(() => group.GetAsync(new string('é', 126), TestToken));
        Assert.Throws<InvalidCacheKeyException>(() => group.GetAsync(new string('a', 10_000), TestToken));

        Assert.Contains("at most 250 UTF-8 bytes", tooLong.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public void GetAsync_DotSegmentKeys_AreRejected(string key)
    {
        using var group = new CacheGroup(UniqueName(), (k, _) => ValueTask.FromResult<LoadedValue>(new byte[1]));

        Assert.Throws<InvalidCacheKeyException>(() => group.GetAsync(key, TestToken));
    }

    [Fact]
    public void GetAsync_UnpairedSurrogate_IsRejected()
    {
        using var group = new CacheGroup(UniqueName(), (k, _) => ValueTask.FromResult<LoadedValue>(new byte[1]));

        Assert.Throws<InvalidCacheKeyException>(() => group.GetAsync("a\uD800b", TestToken));
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("a\0b")]
    [InlineData("日本\0")]
    public async Task GetAndRemove_OfAKeyWithANul_AreRejected_ForNoPeerCouldBeAskedForIt(string key)
    {
        using var group = new CacheGroup(UniqueName(), (k, _) => ValueTask.FromResult<LoadedValue>(new byte[1]));

        InvalidCacheKeyException error = Assert.Throws<InvalidCacheKeyException>(() => group.GetAsync(key, TestToken));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(async () => await group.RemoveAsync(key));
        Assert.Contains("U+0000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxKeyBytes_IsConfigurable()
    {
        using var group = new CacheGroup(UniqueName(), (k, _) => ValueTask.FromResult<LoadedValue>(new byte[1]), new CacheGroupOptions { MaxKeyBytes = 4 });

        Assert.Throws<InvalidCacheKeyException>(() => group.GetAsync("abcde", TestToken));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CacheGroup(UniqueName(), (k, _) => default, new CacheGroupOptions { CapacityBytes = 0 }));
    }

    [Fact]
    public async Task Capacity_BoundsTheStore()
    {
        using var group = new CacheGroup(
            UniqueName(),
            (k, _) => ValueTask.FromResult<LoadedValue>(new byte[1000]),
            new CacheGroupOptions { CapacityBytes = 10_000 });

        for (int i = 0; i < 100; i++)
        {
            await group.GetAsync("key-" + i, TestToken);
        }

        Assert.True(group.Store.Bytes <= 10_000);
        Assert.Equal(100 - group.Store.Count, group.Store.Evictions);
    }
}
