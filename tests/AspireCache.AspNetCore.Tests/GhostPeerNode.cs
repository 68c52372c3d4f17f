using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// The test node with a second member, "ghost", whose every peer and probe request goes to <see cref="Peer"/>, on
/// a fake clock: no probe runs but those a test starts (<see cref="Prober"/>), and no peer's deadline passes unless
/// the test moves the clock.
/// </summary>
internal sealed class GhostPeerNode : CacheNodeFactory
{
    public ScriptedPeer Peer { get; } = new();

    public FakeTimeProvider Clock { get; } = new();

    public PeerProber Prober => Services.GetServices<IHostedService>().OfType<PeerProber>().Single();

    /// <summary>The members' lease with these settings: (2 + 2) × (1 s + 30 s).</summary>
    public TimeSpan Lease => MemoryLease.LeaseOf(Services.GetRequiredService<IOptions<CacheNodeOptions>>().Value);

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        settings["Cache:Members:1"] = "ghost";
        settings["services:ghost:http:0"] = "http://127.0.0.1:9";

        // The probe client's own timeout is on the real clock: long, so that a slow machine cannot turn a probe into a timeout.
        settings["Cache:ProbeTimeout"] = "00:00:30";
    }

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.AddHttpClient(PeerProtocol.PeerClientName).ConfigurePrimaryHttpMessageHandler(() => Peer);
        services.AddHttpClient(PeerProber.ClientName).ConfigurePrimaryHttpMessageHandler(() => Peer);
    }

    /// <summary>Answers every request as the test says: a response, or an exception; counts the hand-offs it was asked.</summary>
    internal sealed class ScriptedPeer : HttpMessageHandler
    {
        private Func<HttpRequestMessage, HttpResponseMessage> _answer = _ => throw new InvalidOperationException("no answer scripted");
        private int _handOffsAsked;

        public int HandOffsAsked => Volatile.Read(ref _handOffsAsked);

        public void Throw(Exception error) => _answer = _ => throw error;

        public void Answer(Func<HttpRequestMessage, HttpResponseMessage> answer) => _answer = answer;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Contains(PeerProtocol.HandOffHeader))
            {
                Interlocked.Increment(ref _handOffsAsked);
            }

            try
            {
                return Task.FromResult(_answer(request));
            }
            catch (Exception ex)
            {
                return Task.FromException<HttpResponseMessage>(ex);
            }
        }
    }
}
