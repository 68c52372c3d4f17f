using System.Collections.Concurrent;
using AspireCache.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Client.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records the timers started on it, so that a test advances the clock
/// only once the timer it means to fire exists (advanced earlier, the clock would pass a timer not yet started).
/// </summary>
internal sealed class WatchedClock() : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
{
    private readonly ConcurrentQueue<TimeSpan> _started = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        _started.Enqueue(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer due after <paramref name="dueTime"/> has been started.</summary>
    public Task TimerStartedAsync(TimeSpan dueTime, CancellationToken cancellationToken) =>
        Waits.UntilAsync($"a timer of {dueTime} was started", () => _started.Contains(dueTime), cancellationToken: cancellationToken);
}
