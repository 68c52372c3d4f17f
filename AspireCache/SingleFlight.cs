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
internal sealed class SingleFlight<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, Flight> _flights;
    private readonly Lock _lock = new();

    /// <summary>Creates an empty set of flights.</summary>
    private readonly Action<int>? _landed;

    /// <param name="comparer">Compares keys.</param>
    /// <param name="landed">Told, as each flight lands, how many callers it served: its leader and everyone who joined it.</param>
    public SingleFlight(IEqualityComparer<TKey>? comparer = null, Action<int>? landed = null)
    {
        _flights = new(comparer);
        _landed = landed;
    }

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
    /// <returns>The shared outcome, whether this call joined, and the trace context of the flight's leader.</returns>
    public FlightTicket<TValue> Run<TState>(TKey key, TState state, Func<TKey, TState, Task<TValue>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        TaskCompletionSource<TValue> completion;
        lock (_lock)
        {
            if (_flights.TryGetValue(key, out Flight? existing))
            {
                existing.Callers++;
                return new FlightTicket<TValue>(existing.Completion.Task, Joined: true, existing.Leader);
            }

            // Continuations run asynchronously so that completing a flight never runs its callers' code inline.
            completion = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            _flights.Add(key, new Flight(completion, Activity.Current?.Context ?? default));
        }

        _ = FlyAsync(key, state, work, completion);
        return new FlightTicket<TValue>(completion.Task, Joined: false, Activity.Current?.Context ?? default);
    }

    /// <summary>
    /// Detaches the flight for <paramref name="key"/>, if any: its callers still get its outcome, but a
    /// later call starts a new flight. For a removal, so that no caller who comes after it is handed a
    /// value loaded before it.
    /// </summary>
    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _flights.Remove(key);
        }
    }

    /// <summary>Detaches every flight under way (see <see cref="Forget"/>).</summary>
    public void ForgetAll()
    {
        lock (_lock)
        {
            _flights.Clear();
        }
    }

    private async Task FlyAsync<TState>(TKey key, TState state, Func<TKey, TState, Task<TValue>> work, TaskCompletionSource<TValue> flight)
    {
        try
        {
            TValue value = await work(key, state).ConfigureAwait(false);
            Land(key, flight);
            flight.SetResult(value);
        }
        catch (Exception ex)
        {
            Land(key, flight);
            flight.SetException(ex);
        }
    }

    // Forgetting the flight before completing it means that a caller who sees the outcome and calls
    // again starts afresh; the work must therefore publish a success (e.g. store it) before it returns.
    // Only this flight: after a Forget, the key may already have a new one.
    private void Land(TKey key, TaskCompletionSource<TValue> flight)
    {
        int callers = 0;
        lock (_lock)
        {
            if (_flights.TryGetValue(key, out Flight? current) && current.Completion == flight)
            {
                _flights.Remove(key);
                callers = current.Callers;
            }
        }

        // A flight forgotten before it landed (a clear) is not counted: its callers are unknown from here on.
        if (callers > 0)
        {
            _landed?.Invoke(callers);
        }
    }

    private sealed record Flight(TaskCompletionSource<TValue> Completion, ActivityContext Leader)
    {
        /// <summary>The leader and every caller that joined; changed under the lock.</summary>
        public int Callers { get; set; } = 1;
    }
}
