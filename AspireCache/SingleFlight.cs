using System.Diagnostics;

namespace AspireCache;

/// <summary>Collapses concurrent calls for one key into a single execution whose outcome every caller shares.</summary>
/// <remarks>
/// A flight is forgotten as soon as it completes, successfully or not: a failure is handed to the callers
/// that were waiting and never to a later caller, which starts a new flight. The work runs without any
/// caller's cancellation token, so one caller giving up cannot fail the others; each caller can stop
/// waiting with <see cref="Task.WaitAsync(CancellationToken)"/>.
/// </remarks>
[DebuggerDisplay("InFlight = {InFlight}")]
public sealed class SingleFlight<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Task<TValue>> _flights;
    private readonly Lock _lock = new();

    /// <summary>Creates an empty set of flights.</summary>
    public SingleFlight(IEqualityComparer<TKey>? comparer = null) => _flights = new(comparer);

    /// <summary>The number of flights under way.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _flights.Count;
            }
        }
    }

    /// <summary>Joins the flight for <paramref name="key"/>, or starts one that runs <paramref name="work"/>.</summary>
    /// <param name="key">The key the work is for.</param>
    /// <param name="state">Passed to <paramref name="work"/>, so that it need not capture anything.</param>
    /// <param name="work">The work; runs once per flight, on the calling thread until its first await.</param>
    /// <param name="joined">True when the call joined a flight that another caller had started.</param>
    /// <returns>The flight's outcome, shared by all its callers.</returns>
    public Task<TValue> Run<TState>(TKey key, TState state, Func<TKey, TState, Task<TValue>> work, out bool joined)
    {
        ArgumentNullException.ThrowIfNull(work);
        TaskCompletionSource<TValue> flight;
        lock (_lock)
        {
            if (_flights.TryGetValue(key, out Task<TValue>? existing))
            {
                joined = true;
                return existing;
            }

            // Continuations run asynchronously so that completing a flight never runs its callers' code inline.
            flight = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            _flights.Add(key, flight.Task);
        }

        joined = false;
        _ = FlyAsync(key, state, work, flight);
        return flight.Task;
    }

    private async Task FlyAsync<TState>(TKey key, TState state, Func<TKey, TState, Task<TValue>> work, TaskCompletionSource<TValue> flight)
    {
        try
        {
            TValue value = await work(key, state).ConfigureAwait(false);
            Land(key);
            flight.SetResult(value);
        }
        catch (Exception ex)
        {
            Land(key);
            flight.SetException(ex);
        }
    }

    // Forgetting the flight before completing it means that a caller who sees the outcome and calls
    // again starts afresh; the work must therefore publish a success (e.g. store it) before it returns.
    private void Land(TKey key)
    {
        lock (_lock)
        {
            _flights.Remove(key);
        }
    }
}
