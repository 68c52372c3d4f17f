using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.AspNetCore.Tests;

/// <summary>A member that missed a change owes a clear until it acknowledges; a node that heard from no peer for a lease clears before it serves.</summary>
public sealed class MissedChangeTests : IDisposable
{
    private static readonly CacheNodeOptions Options = new() { FailuresToEject = 2, SuccessesToRejoin = 2, ProbeInterval = TimeSpan.FromSeconds(1), ProbeTimeout = TimeSpan.FromMilliseconds(500) };

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _clock = new();
    private readonly RingPeerPicker _picker = new("cache-0");
    private readonly PeerHealth _health;
    private readonly CacheGroup _group;

    public MissedChangeTests()
    {
        _picker.SetPeers([new NamedPeer("cache-1"), new NamedPeer("cache-2")]);
        _health = new PeerHealth(_picker, ["cache-1", "cache-2"], Options, _services.GetRequiredService<IMeterFactory>(), _clock, NullLogger<PeerHealth>.Instance);
        _group = new CacheGroup("missed-" + Guid.NewGuid().ToString("N"), (key, _) => ValueTask.FromResult<LoadedValue>(new byte[] { 1 }), new CacheGroupOptions { HotCacheShare = 0 });
    }

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _group.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void AMemberThatJoins_OwesTheGroupsChangedWithinTheLookback_AndNoOthers()
    {
        var missed = new MissedChanges(_clock) { JoinLookback = TimeSpan.FromSeconds(20) };
        missed.Passing("old");
        _clock.Advance(TimeSpan.FromSeconds(30));
        missed.Passing("recent");
        _clock.Advance(TimeSpan.FromSeconds(5));

        missed.Joined("cache-3");

        Assert.Equal(["recent"], missed.OwedBy("cache-3").Keys);
    }

    [Fact]
    public void AMemberThatLeftAndComesBack_OwesWhatChangedWhileItWasAway_NothingBefore()
    {
        var missed = new MissedChanges(_clock) { JoinLookback = TimeSpan.FromSeconds(20) };
        missed.Joined("cache-3");
        missed.Passing("before");
        _clock.Advance(TimeSpan.FromSeconds(1));

        missed.Left("cache-3");
        Assert.Empty(missed.OwedBy("cache-3")); // While it drains, it still holds what it held, for hand-offs.
        _clock.Advance(TimeSpan.FromMinutes(5));
        missed.Passing("while-away");
        missed.Joined("cache-3");

        Assert.Equal(["while-away"], missed.OwedBy("cache-3").Keys);
    }

    [Fact]
    public void AMemberGoneLongerThanTheLeaseAndTheLookback_IsForgotten_AndComesBackAsANewMember()
    {
        var missed = new MissedChanges(_clock) { JoinLookback = TimeSpan.FromSeconds(20), Lease = TimeSpan.FromSeconds(6) };
        missed.Joined("cache-3");
        missed.Record("cache-3", "missed-while-a-member");
        missed.OwedBy("cache-1"); // A member that stays.
        missed.Left("cache-3");
        Assert.Equal(2, missed.TrackedNames);

        // Remembered while it may still come back within its lease and the look-back...
        _clock.Advance(TimeSpan.FromSeconds(26));
        missed.Left("cache-9");
        Assert.Equal(["missed-while-a-member"], missed.OwedBy("cache-3").Keys);

        // ...and forgotten after: it has stopped trusting its memory since (its status requests get no renewal).
        _clock.Advance(TimeSpan.FromSeconds(1));
        missed.Passing("changed-long-after");
        missed.Joined("cache-4");
        Assert.Equal(3, missed.TrackedNames); // cache-1, cache-9 (gone 1 s) and cache-4.

        // Back, it owes what changed within the look-back, as a new member does: so it clears before it serves.
        missed.Joined("cache-3");
        Assert.Equal(["changed-long-after"], missed.OwedBy("cache-3").Keys);
    }

    [Fact]
    public void AChangeMissedByAMemberThatJoinedLate_WaitsForTheLeaseItMayHaveTakenWhenItJoined()
    {
        var missed = new MissedChanges(_clock);
        _clock.Advance(TimeSpan.FromMinutes(1));
        missed.Joined("cache-3");

        Assert.Equal(TimeSpan.FromSeconds(6), missed.UntilLeasesRunOut(["cache-3"], TimeSpan.FromSeconds(6)));
    }

    [Fact]
    public void AMissedChange_IsOwedUntilAcknowledged_AndALaterOneStaysOwed()
    {
        var missed = new MissedChanges(_clock);
        missed.Record("cache-1", "demo");
        IReadOnlyDictionary<string, long> owed = missed.OwedBy("cache-1");
        missed.Record("cache-1", "demo"); // Missed after the status answer: the acknowledgement does not cover it.

        missed.Acknowledge("cache-1", owed);
        Assert.Equal(["demo"], missed.OwedBy("cache-1").Keys);

        missed.Acknowledge("cache-1", missed.OwedBy("cache-1"));
        Assert.Empty(missed.OwedBy("cache-1"));
        Assert.Empty(missed.OwedBy("cache-2"));
    }

    [Fact]
    public void AChangeThatAMemberMissed_IsAnsweredOnlyWhenTheMembersLeaseHasRunOut()
    {
        var missed = new MissedChanges(_clock);
        TimeSpan lease = MemoryLease.LeaseOf(Options);
        Assert.Equal(TimeSpan.FromSeconds(6), lease);

        _clock.Advance(TimeSpan.FromSeconds(3));
        missed.OwedBy("cache-1"); // A clean answer now: cache-1 may trust its memory for one lease.
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(4), missed.UntilLeasesRunOut(["cache-1"], lease));

        // Not heard from since this node started: it may hold a lease from this node's previous run.
        Assert.Equal(TimeSpan.FromSeconds(1), missed.UntilLeasesRunOut(["cache-2"], lease));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, missed.UntilLeasesRunOut(["cache-2"], lease));
    }

    [Fact]
    public async Task ANodeThatHeardFromNoPeerForALease_ClearsBeforeItServes()
    {
        var lease = new MemoryLease(_health, () => [_group], Options, _clock, NullLogger.Instance);
        await _group.GetAsync("k", TestToken);

        _clock.Advance(TimeSpan.FromSeconds(5));
        long sentAt = _clock.GetTimestamp();
        lease.Renew("cache-1", sentAt);
        lease.Renew("cache-2", sentAt);
        _clock.Advance(TimeSpan.FromSeconds(5)); // 10 s since start, 5 s since the last answers.
        lease.EnsureValid();
        Assert.Equal(1, _group.StoreStats.Count);

        _clock.Advance(TimeSpan.FromSeconds(1)); // As if the process had been paused: no answers for 6 s.
        lease.EnsureValid();
        Assert.Equal(0, _group.StoreStats.Count);
        Assert.Equal(1, _group.Stats.PeerClears);

        lease.EnsureValid(); // Cleared once; a new lease runs from then.
        Assert.Equal(1, _group.Stats.PeerClears);
    }

    [Fact]
    public async Task APeerOutOfTheRing_DoesNotHoldTheLeaseBack()
    {
        var lease = new MemoryLease(_health, () => [_group], Options, _clock, NullLogger.Instance);
        await _group.GetAsync("k", TestToken);
        _health.ReportFailure("cache-2", PeerSignal.Probe, "probe timed out", timedOut: true);
        _health.ReportFailure("cache-2", PeerSignal.Probe, "probe timed out", timedOut: true);

        for (int second = 0; second < 20; second++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            lease.Renew("cache-1", _clock.GetTimestamp());
            lease.EnsureValid();
        }

        Assert.Equal(1, _group.StoreStats.Count);
        Assert.Equal(0, _group.Stats.PeerClears);
    }
}
