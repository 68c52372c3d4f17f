using System.Diagnostics;

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
            FlightTicket<int> ticket = flights.Run("k", release, (_, gate) =>
            {
                Interlocked.Increment(ref executions);
                return gate.Task;
            });
            if (ticket.Joined)
            {
                joins++;
            }

            return ticket.Task;
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
        int arrived = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The work is held open until every caller has called Run: each must find the flight under way
        // and join it, however late the thread pool gets to its thread.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<string>[] callers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await start.Task;
            Task<string> shared = flights.Run("k", release, async (key, held) =>
            {
                Interlocked.Increment(ref executions);
                await held.Task;
                return key + "!";
            }).Task;
            Interlocked.Increment(ref arrived);
            return await shared;
        }, TestToken)).ToArray();
        start.SetResult();

        await Waits.UntilAsync("all 8 callers have called Run", () => Volatile.Read(ref arrived) == callers.Length, cancellationToken: TestToken);
        release.SetResult();
        string[] results = await Task.WhenAll(callers);

        Assert.Equal(1, executions);
        Assert.All(results, r => Assert.Equal("k!", r));
    }

    [Fact]
    public async Task DifferentKeys_RunSeparately()
    {
        var flights = new SingleFlight<string, string>();
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        FlightTicket<string> ticketA = flights.Run("a", gate, (_, g) => g.Task);
        FlightTicket<string> ticketB = flights.Run("b", 0, (k, _) => Task.FromResult(k));
        Task<string> a = ticketA.Task;
        Task<string> b = ticketB.Task;

        Assert.False(ticketA.Joined);
        Assert.False(ticketB.Joined);
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
        Task<int> first = flights.Run("k", gate, (_, g) => g.Task).Task;
        FlightTicket<int> secondTicket = flights.Run("k", gate, (_, g) => g.Task);
        Task<int> second = secondTicket.Task;
        bool joined = secondTicket.Joined;

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
        }).Task);
        await Assert.ThrowsAsync<TimeoutException>(() => flights.Run("k", 0, async (_, _) =>
        {
            executions++;
            await Task.Yield();
            throw new TimeoutException();
        }).Task);
        FlightTicket<int> last = flights.Run("k", 0, (_, _) =>
        {
            executions++;
            return Task.FromResult(7);
        });
        int value = await last.Task;
        bool joined = last.Joined;

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

        Task<int> cancelled = flights.Run("k", gate, (_, g) => g.Task).Task.WaitAsync(impatient.Token);
        Task<int> patient = flights.Run("k", gate, (_, g) => g.Task).Task;
        impatient.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(patient.IsCompleted);
        gate.SetResult(5);
        Assert.Equal(5, await patient);
    }

    [Fact]
    public async Task AJoiner_LearnsTheLeadersTraceContext()
    {
        var flights = new SingleFlight<string, int>();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var leaderActivity = new Activity("leader").SetIdFormat(ActivityIdFormat.W3C).Start();
        FlightTicket<int> leader = flights.Run("k", gate, (_, g) => g.Task);
        leaderActivity.Stop();

        FlightTicket<int> joiner = flights.Run("k", gate, (_, g) => g.Task);
        gate.SetResult(1);
        await joiner.Task;

        Assert.False(leader.Joined);
        Assert.True(joiner.Joined);
        Assert.Equal(leaderActivity.Context, joiner.Leader);
    }
}
