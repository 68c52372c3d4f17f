using System.Diagnostics;

namespace AspireCache.Testing;

/// <summary>
/// Waits for a state that another thread or process brings about, by polling a condition, bounded by
/// real time.
/// </summary>
/// <remarks>
/// A wait on a state, not on a time: it returns as soon as the condition holds. The bound only turns a
/// state that never comes into a failure that says what was awaited, instead of a hang; it is generous
/// because CI is a loaded 2-core machine, and a state that comes at once costs nothing.
/// </remarks>
internal static class Waits
{
    /// <summary>The bound when a caller gives none.</summary>
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(30);

    // A condition on in-process state is cheap to ask; one that crosses the network is asked less often.
    private static readonly TimeSpan InProcessPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan RemotePoll = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until <paramref name="condition"/>, on in-process state, holds; asks it every 5 ms.</summary>
    /// <param name="what">The awaited state, as the end of "waited in vain until ...".</param>
    /// <param name="condition">Whether the state has come.</param>
    /// <param name="within">How long before the test fails; <see cref="DefaultBound"/> unless given.</param>
    /// <param name="cancellationToken">Ends the wait early (the test's own token).</param>
    public static Task UntilAsync(string what, Func<bool> condition, TimeSpan? within = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(what);
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(what, () => Task.FromResult(condition()), within, InProcessPoll, cancellationToken);
    }

    /// <summary>Waits until <paramref name="condition"/>, typically one that asks another process, holds.</summary>
    /// <param name="what">The awaited state, as the end of "waited in vain until ...".</param>
    /// <param name="condition">Whether the state has come; an exception it throws ends the wait.</param>
    /// <param name="within">How long before the test fails; <see cref="DefaultBound"/> unless given.</param>
    /// <param name="pollEvery">How long to wait between two askings; 100 ms unless given.</param>
    /// <param name="cancellationToken">Ends the wait early (the test's own token).</param>
    public static async Task UntilAsync(string what, Func<Task<bool>> condition, TimeSpan? within = null, TimeSpan? pollEvery = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(what);
        ArgumentNullException.ThrowIfNull(condition);
        TimeSpan bound = within ?? DefaultBound;
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > bound)
            {
                Assert.Fail($"Waited {bound.TotalSeconds} s in vain until {what}.");
            }

            await Task.Delay(pollEvery ?? RemotePoll, cancellationToken);
        }
    }
}
