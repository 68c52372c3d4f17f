using AspireCache;

namespace AspireCache.Tests;

public class SingleFlightTests
{
    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentCalls_ForOneKey_ShareOneExecution()
    {
        var flights = new SingleFlight<string, int>();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        int executions = 0;
        int joins = 0;

        Task<int>[] callers = Enumerable.Range(0, 100).Select(_ =>
        {
            Task<int> task = flights.Run("k", release, (_, gate) =>
            {
                Interlocked.Increment(ref executions);
                return gate.Task;
            }, out bool joined);
            if (joined)
            {
                joins++;
            }

            return task;
        }).ToArray();

        Assert.Equal(1, flights.InFlight);
        release.SetResult(42);
        int[] results = await Task.WhenAll(callers);

        Assert.Equal(1, executions);
        Assert.Equal(99, joins);
        Assert.All(results, r => Assert.Equal(42, r));
        Assert.Equal(0, flights.InFlight);
    }

    [Fact]
    public async Task ConcurrentCalls_FromManyThreads_ExecuteOncePerKey()
    {
        var flights = new SingleFlight<string, string>();
        int executions = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<string>[] callers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await flights.Run("k", 0, async (key, _) =>
            {
                Interlocked.Increment(ref executions);
                await Task.Delay(200, TestToken);
                return key + "!";
            }, out _);
        }, TestToken)).ToArray();
        start.SetResult();

        string[] results = await Task.WhenAll(callers);

        Assert.Equal(1, executions);
        Assert.All(results, r => Assert.Equal("k!", r));
    }

    [Fact]
    public async Task DifferentKeys_RunSeparately()
    {
        var flights = new SingleFlight<string, string>();
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<string> a = flights.Run("a", gate, (_, g) => g.Task, out bool joinedA);
        Task<string> b = flights.Run("b", 0, (k, _) => Task.FromResult(k), out bool joinedB);

        Assert.False(joinedA);
        Assert.False(joinedB);
        Assert.Equal("b", await b);
        Assert.False(a.IsCompleted);
        gate.SetResult("a");
        Assert.Equal("a", await a);
    }

    [Fact]
    public async Task AFailure_ReachesEveryWaiter_AsTheSameException()
    {
        var flights = new SingleFlight<string, int>();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<int> first = flights.Run("k", gate, (_, g) => g.Task, out _);
        Task<int> second = flights.Run("k", gate, (_, g) => g.Task, out bool joined);

        var failure = new InvalidOperationException("backend down");
        gate.SetException(failure);

        Assert.True(joined);
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => first));
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => second));
    }

    [Fact]
    public async Task AFailure_IsNotRemembered_TheNextCallRunsAgain()
    {
        var flights = new SingleFlight<string, int>();
        int executions = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => flights.Run("k", 0, (_, _) =>
        {
            executions++;
            throw new InvalidOperationException("thrown synchronously");
        }, out _));
        await Assert.ThrowsAsync<TimeoutException>(() => flights.Run("k", 0, async (_, _) =>
        {
            executions++;
            await Task.Yield();
            throw new TimeoutException();
        }, out _));
        int value = await flights.Run("k", 0, (_, _) =>
        {
            executions++;
            return Task.FromResult(7);
        }, out bool joined);

        Assert.False(joined);
        Assert.Equal(7, value);
        Assert.Equal(3, executions);
        Assert.Equal(0, flights.InFlight);
    }

    [Fact]
    public async Task AWaiterThatCancels_StopsWaiting_WhileTheOthersGetTheValue()
    {
        var flights = new SingleFlight<string, int>();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var impatient = new CancellationTokenSource();

        Task<int> cancelled = flights.Run("k", gate, (_, g) => g.Task, out _).WaitAsync(impatient.Token);
        Task<int> patient = flights.Run("k", gate, (_, g) => g.Task, out _);
        impatient.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(patient.IsCompleted);
        gate.SetResult(5);
        Assert.Equal(5, await patient);
    }
}
