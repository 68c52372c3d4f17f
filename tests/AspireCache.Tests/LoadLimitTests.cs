using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

/// <summary>Loads are bounded in number and time: a flood of cold keys waits for slots, within LoadTimeout.</summary>
public class LoadLimitTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static string UniqueName() => "limit-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task LoadsBeyondTheLimit_WaitForASlot_AndAllFinish()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0;
        int mostRunning = 0;
        using var group = new CacheGroup(
            UniqueName(),
            async (key, _) =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref mostRunning, now);
                await gate.Task;
                Interlocked.Decrement(ref running);
                return new byte[] { 1 };
            },
            new CacheGroupOptions { MaxConcurrentLoads = 2 });

        Task<CacheResult>[] gets = [.. Enumerable.Range(0, 5).Select(i => group.GetAsync($"cold-{i}", TestToken).AsTask())];

        Assert.Equal(2, group.ActiveLoads);
        Assert.Equal(3, group.LoadSlotsQueued);
        gate.SetResult();
        CacheResult[] results = await Task.WhenAll(gets);

        Assert.All(results, result => Assert.Equal(CacheSource.Load, result.Source));
        Assert.Equal(2, mostRunning);
        Assert.Equal(0, group.ActiveLoads);
        Assert.Equal(0, group.LoadSlotsRejected);
    }

    [Fact]
    public async Task ALoadThatWaitsForASlotPastLoadTimeout_FailsAsATimeout_AndIsCountedAsRejected()
    {
        var clock = new FakeTimeProvider();
        var gate = new TaskCompletionSource<LoadedValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        int loads = 0;
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) =>
            {
                Interlocked.Increment(ref loads);
                return new ValueTask<LoadedValue>(gate.Task);
            },
            new CacheGroupOptions { MaxConcurrentLoads = 1, LoadTimeout = TimeSpan.FromSeconds(5), TimeProvider = clock });

        Task<CacheResult> first = group.GetAsync("first", TestToken).AsTask();
        Task<CacheResult> queued = group.GetAsync("queued", TestToken).AsTask();
        Assert.Equal(1, group.LoadSlotsQueued);

        clock.Advance(TimeSpan.FromSeconds(5));

        CacheSourceException rejected = await Assert.ThrowsAsync<CacheSourceException>(() => queued);
        Assert.True(rejected.IsTimeout);
        Assert.Contains("load slot", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(1, group.LoadSlotsRejected);

        // The first load ran into the same deadline: its waiters get a timeout too.
        CacheSourceException timedOut = await Assert.ThrowsAsync<CacheSourceException>(() => first);
        Assert.True(timedOut.IsTimeout);
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task ALoaderThatIgnoresItsToken_StillEndsItsWaitersAtLoadTimeout_AndKeepsItsSlotUntilItReturns()
    {
        var clock = new FakeTimeProvider();
        var gate = new TaskCompletionSource<LoadedValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var group = new CacheGroup(
            UniqueName(),
            (key, _) => new ValueTask<LoadedValue>(gate.Task),
            new CacheGroupOptions { MaxConcurrentLoads = 1, LoadTimeout = TimeSpan.FromSeconds(2), TimeProvider = clock });

        Task<CacheResult> get = group.GetAsync("stuck", TestToken).AsTask();
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.True((await Assert.ThrowsAsync<CacheSourceException>(() => get)).IsTimeout);
        Assert.Equal(1, group.ActiveLoads);
        gate.SetResult(new byte[] { 1 });
        // The slot is given back by the loader's continuation, on the thread pool: wait for that state.
        await Waits.UntilAsync("the returned loader has given its slot back", () => group.ActiveLoads == 0, cancellationToken: TestToken);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
