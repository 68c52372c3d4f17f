using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspireCache.AspNetCore.Tests;

public sealed class PeerHealthTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RingPeerPicker _picker = new("cache-0");
    private readonly PeerHealth _health;

    public PeerHealthTests()
    {
        _picker.SetPeers([new NamedPeer("cache-1"), new NamedPeer("cache-2")]);
        _health = new PeerHealth(
            _picker,
            ["cache-1", "cache-2"],
            new CacheNodeOptions { FailuresToEject = 2, SuccessesToRejoin = 2 },
            _services.GetRequiredService<IMeterFactory>(),
            TimeProvider.System,
            NullLogger<PeerHealth>.Instance);
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public void TwoFailedFetches_EjectThePeer_AndTwoAnsweredProbesBringItBack()
    {
        _health.ReportFailure("cache-2", PeerSignal.Fetch, "timed out", timedOut: true);
        Assert.Equal(MemberState.Suspect, _health.Snapshot()["cache-2"].State);
        Assert.Contains("cache-2", _picker.Ring.Members);

        _health.ReportFailure("cache-2", PeerSignal.Fetch, "timed out", timedOut: true);
        Assert.Equal(MemberState.Down, _health.Snapshot()["cache-2"].State);
        Assert.Equal(["cache-0", "cache-1"], _picker.Ring.Members);
        Assert.Equal("timed out", _health.Snapshot()["cache-2"].LastError);

        _health.ReportSuccess("cache-2", PeerSignal.Probe);
        Assert.Equal(MemberState.Down, _health.Snapshot()["cache-2"].State);
        _health.ReportSuccess("cache-2", PeerSignal.Probe);
        Assert.Equal(MemberState.Up, _health.Snapshot()["cache-2"].State);
        Assert.Equal(["cache-0", "cache-1", "cache-2"], _picker.Ring.Members);
    }

    [Fact]
    public void AnsweredProbes_DoNotWipeOutFailedFetches()
    {
        // A peer whose /alive answers while its peer API hangs must still leave the ring.
        _health.ReportFailure("cache-1", PeerSignal.Fetch, "timed out", timedOut: true);
        _health.ReportSuccess("cache-1", PeerSignal.Probe);
        _health.ReportFailure("cache-1", PeerSignal.Fetch, "timed out", timedOut: true);

        Assert.Equal(MemberState.Down, _health.Snapshot()["cache-1"].State);
        Assert.DoesNotContain("cache-1", _picker.Ring.Members);
    }

    [Fact]
    public void ASuspectPeer_IsUpAgain_OnceTheFailingKindSucceeds()
    {
        _health.ReportFailure("cache-1", PeerSignal.Probe, "refused", timedOut: false);
        _health.ReportSuccess("cache-1", PeerSignal.Fetch);
        Assert.Equal(MemberState.Suspect, _health.Snapshot()["cache-1"].State);

        _health.ReportSuccess("cache-1", PeerSignal.Probe);
        Assert.Equal(MemberState.Up, _health.Snapshot()["cache-1"].State);
        Assert.Equal(3, _picker.Ring.Members.Count);
    }

    [Fact]
    public async Task WhenDown_IsCancelledAtTheEjection_AndRenewedWhenThePeerRejoins()
    {
        CancellationToken before = _health.WhenDown("cache-1");
        _health.ReportFailure("cache-1", PeerSignal.Probe, "timed out", timedOut: true);
        Assert.False(before.IsCancellationRequested);

        _health.ReportFailure("cache-1", PeerSignal.Probe, "timed out", timedOut: true);
        await WaitCancelledAsync(before);
        Assert.True(_health.WhenDown("cache-1").IsCancellationRequested);

        _health.ReportSuccess("cache-1", PeerSignal.Probe);
        _health.ReportSuccess("cache-1", PeerSignal.Probe);
        Assert.False(_health.WhenDown("cache-1").IsCancellationRequested);
    }

    // The cancellation runs off the health lock's thread: wait for it, boundedly.
    private static async Task WaitCancelledAsync(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration registration = token.Register(() => cancelled.TrySetResult());
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void ReportsAboutUnknownPeers_AreIgnored()
    {
        _health.ReportFailure("stranger", PeerSignal.Fetch, "x", timedOut: false);
        _health.ReportFailure("stranger", PeerSignal.Fetch, "x", timedOut: false);

        Assert.Equal(3, _picker.Ring.Members.Count);
        Assert.DoesNotContain("stranger", _health.Snapshot().Keys);
    }
}
