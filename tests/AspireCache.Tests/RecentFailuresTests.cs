using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

/// <summary>The failure backoff's memory: bounded in keys, and O(1) amortised per failure however full it is.</summary>
public sealed class RecentFailuresTests
{
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(500);
    private static readonly InvalidOperationException Failure = new("the source failed");

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void AFloodOfFailingDistinctKeys_AtAFullTable_VisitsAFewEntriesPerFailure_NotTheTable()
    {
        var failures = new RecentFailures(Backoff, _clock);
        for (int i = 0; i < RecentFailures.Capacity; i++)
        {
            failures.Remember($"full-{i}", Failure);
        }

        // Within the backoff, the full table takes no more, and each refusal looks at the oldest entry only.
        long visitedBefore = failures.EntriesVisited;
        for (int i = 0; i < RecentFailures.Capacity; i++)
        {
            failures.Remember($"refused-{i}", Failure);
        }

        Assert.Equal(0, failures.EntriesVisited - visitedBefore);
        Assert.False(failures.TryGetRecent("refused-0", out _));

        // A flood that goes on while the old failures pass their backoff, a tenth of the table at a time:
        // every remembered failure sweeps what has passed, and each failure is swept once.
        const int Flood = 5 * RecentFailures.Capacity;
        visitedBefore = failures.EntriesVisited;
        for (int i = 0; i < Flood; i++)
        {
            if (i % (RecentFailures.Capacity / 10) == 0)
            {
                _clock.Advance(Backoff / 10);
            }

            failures.Remember($"flood-{i}", Failure);
        }

        double visitedPerFailure = (double)(failures.EntriesVisited - visitedBefore) / Flood;
        Assert.InRange(visitedPerFailure, 0, 3);
        Assert.True(failures.TryGetRecent($"flood-{Flood - 1}", out _));
    }

    [Fact]
    public void AFailure_IsGivenAgainWithinTheBackoff_AndForgottenAfterIt()
    {
        var failures = new RecentFailures(Backoff, _clock);
        failures.Remember("k", Failure);

        _clock.Advance(Backoff - TimeSpan.FromTicks(1));
        Assert.True(failures.TryGetRecent("k", out var error));
        Assert.Same(Failure, error.SourceException);

        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.False(failures.TryGetRecent("k", out _));
    }

    [Fact]
    public void AFullTable_TakesNewFailuresAgain_OnceOldOnesHavePassedTheirBackoff()
    {
        var failures = new RecentFailures(Backoff, _clock);
        for (int i = 0; i < RecentFailures.Capacity; i++)
        {
            failures.Remember($"old-{i}", Failure);
        }

        failures.Remember("refused", Failure);
        Assert.False(failures.TryGetRecent("refused", out _));

        _clock.Advance(Backoff);
        failures.Remember("taken", Failure);
        Assert.True(failures.TryGetRecent("taken", out _));
        Assert.False(failures.TryGetRecent("old-0", out _));
    }

    [Fact]
    public void AKeyForgottenAndRememberedAgain_KeepsItsNewFailure_WhenItsOldOneIsSwept()
    {
        var failures = new RecentFailures(Backoff, _clock);
        failures.Remember("k", Failure);
        _clock.Advance(Backoff / 2);
        failures.Forget("k");
        var second = new InvalidOperationException("the source failed again");
        failures.Remember("k", second);

        // The first failure's backoff passes: the sweep must not take the second one with it.
        _clock.Advance(Backoff / 2);
        failures.Remember("other", Failure);

        Assert.True(failures.TryGetRecent("k", out var error));
        Assert.Same(second, error.SourceException);
    }

    [Fact]
    public void RememberingOneKeyOverAndOver_KeepsTheQueueBounded_AndTheTableRight()
    {
        var failures = new RecentFailures(Backoff, _clock);
        for (int i = 0; i < 5 * RecentFailures.Capacity; i++)
        {
            failures.Forget("k");
            failures.Remember("k", Failure);
        }

        // Rebuilds of the queue look at each queued failure once per 2 × Capacity failures queued.
        Assert.InRange((double)failures.EntriesVisited / (5 * RecentFailures.Capacity), 0, 2);
        Assert.True(failures.TryGetRecent("k", out _));

        failures.Clear();
        Assert.False(failures.TryGetRecent("k", out _));
    }
}
