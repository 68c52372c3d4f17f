using System.Diagnostics.Metrics;
using System.Net;
using AspireCache.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.AspNetCore.Tests;

/// <summary>How a node reads its peers' answers: deferred answers, dead owners, hangs and limits.</summary>
public sealed class HttpCachePeerTests : IDisposable
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _clock = new();
    private readonly MissedChanges _missed;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RingPeerPicker _picker = new("cache-0");
    private readonly PeerHealth _health;

    public HttpCachePeerTests()
    {
        _missed = new MissedChanges(_clock);
        _health = new PeerHealth(
            _picker,
            ["cache-1"],
            new CacheNodeOptions { FailuresToEject = 2, SuccessesToRejoin = 2 },
            _services.GetRequiredService<IMeterFactory>(),
            TimeProvider.System,
            NullLogger<PeerHealth>.Instance);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task ADeferredAnswer_IsAwaitedPastThePeerTimeout_AndCountsForThePeer()
    {
        var body = new HeldStream();
        HttpCachePeer peer = PeerAnswering(() => Deferred(body));

        Task<CacheResult> fetch = peer.GetAsync("demo", "k", Token).AsTask();
        await body.Reading.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);

        // The owner's load takes five peer timeouts; the asker keeps waiting.
        _clock.Advance(PeerTimeout * 5);
        Assert.False(fetch.IsCompleted);
        Assert.Equal(MemberState.Up, _health.Snapshot()["cache-1"].State);

        body.Complete([(byte)'V', (byte)'\n', 1, 2, 3]);
        Assert.Equal([1, 2, 3], (await fetch).Value.ToArray());
        Assert.Equal(MemberState.Up, _health.Snapshot()["cache-1"].State);
    }

    [Fact]
    public async Task APeerThatSendsNoHeaders_TimesOutAtThePeerTimeout_AndCountsAgainstIt()
    {
        var never = new TaskCompletionSource<HttpResponseMessage>();
        HttpCachePeer peer = PeerAnswering(never.Task);

        Task<CacheResult> fetch = peer.GetAsync("demo", "k", Token).AsTask();
        _clock.Advance(PeerTimeout);

        CachePeerException error = await Assert.ThrowsAsync<CachePeerException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(30), Token));
        Assert.Contains("no answer within 1000 ms", error.Message, StringComparison.Ordinal);
        Assert.Equal(MemberState.Suspect, _health.Snapshot()["cache-1"].State);
    }

    [Fact]
    public async Task ADeferredLoadThatNeverEnds_TimesOutAfterTheLoadTimeoutAndThePeerTimeout()
    {
        var body = new HeldStream();
        HttpCachePeer peer = PeerAnswering(() => Deferred(body));

        Task<CacheResult> fetch = peer.GetAsync("demo", "k", Token).AsTask();
        await body.Reading.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        _clock.Advance(TimeSpan.FromSeconds(10)); // The group's load timeout, by default.
        Assert.False(fetch.IsCompleted);
        _clock.Advance(PeerTimeout);

        CachePeerException error = await Assert.ThrowsAsync<CachePeerException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(30), Token));
        Assert.Contains("no end of its load", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOwnerTakenOutOfTheRingWhileLoading_EndsTheWaitAtOnce()
    {
        var body = new HeldStream();
        HttpCachePeer peer = PeerAnswering(() => Deferred(body));

        Task<CacheResult> fetch = peer.GetAsync("demo", "k", Token).AsTask();
        await body.Reading.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);

        // Its probes fail: the prober reports, and the peer is down.
        _health.ReportFailure("cache-1", PeerSignal.Probe, "probe timed out", timedOut: true);
        Assert.False(fetch.IsCompleted);
        _health.ReportFailure("cache-1", PeerSignal.Probe, "probe timed out", timedOut: true);

        CachePeerException error = await Assert.ThrowsAsync<CachePeerException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(30), Token));
        Assert.Contains("taken out of the ring", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeferredAnswer_CarriesTheOwnersSourceAnswers()
    {
        HttpCachePeer notFound = PeerAnswering(() => Deferred(new MemoryStream([(byte)'N', .. "gone"u8])));
        HttpCachePeer timedOut = PeerAnswering(() => Deferred(new MemoryStream([(byte)'T', .. "slow"u8])));

        await Assert.ThrowsAsync<CacheKeyNotFoundException>(async () => await notFound.GetAsync("demo", "k", Token));
        CacheSourceException timeout = await Assert.ThrowsAsync<CacheSourceException>(async () => await timedOut.GetAsync("demo", "k", Token));
        Assert.True(timeout.IsTimeout);
        Assert.Equal(MemberState.Up, _health.Snapshot()["cache-1"].State);
    }

    [Fact]
    public async Task AValueOverTheLimit_IsRefusedByItsContentLength_BeforeItIsRead()
    {
        var huge = new HeldStream();
        HttpCachePeer peer = PeerAnswering(() => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(huge) { Headers = { ContentLength = (1024 * 1024) + 1 } }, // One byte over the default 1 MiB.
        });

        await Assert.ThrowsAsync<CacheValueTooLargeException>(async () => await peer.GetAsync("demo", "k", Token));
        Assert.False(huge.Reading.Task.IsCompleted);
    }

    [Fact]
    public async Task AHandOff_IsNeverSentToAPeerThatHasNotAnnouncedVersion2_WhichWouldLoadTheKey()
    {
        int sent = 0;
        HttpCachePeer peer = PeerWith(new RecordingHandler(_ =>
        {
            Interlocked.Increment(ref sent);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1]) });
        }));

        Assert.Equal(1, peer.ProtocolVersion);
        Assert.Null(await peer.HandOffAsync("demo", "k", Token));
        Assert.Equal(0, sent);
    }

    [Fact]
    public async Task AHandOff_AsksWithItsHeader_AndReads204AsNotHeld_AndAValueWithItsFreshness()
    {
        var asked = new List<HttpRequestMessage>();
        bool held = false;
        HttpCachePeer peer = PeerWith(new RecordingHandler(request =>
        {
            asked.Add(request);
            if (!held)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent) { Headers = { { PeerProtocol.HandOffHeader, "1" } } });
            }

            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([7, 8]) };
            response.Headers.Add(PeerProtocol.HandOffHeader, "1");
            response.Headers.Add(PeerProtocol.TtlHeader, "4000");
            response.Headers.Add(PeerProtocol.AgeHeader, "6000");
            return Task.FromResult(response);
        }));
        peer.ProtocolVersion = 2;

        Assert.Null(await peer.HandOffAsync("demo", "k", Token));
        held = true;
        CacheResult? value = await peer.HandOffAsync("demo", "k", Token);

        Assert.All(asked, request => Assert.Equal(["1"], request.Headers.GetValues(PeerProtocol.HandOffHeader)));
        Assert.Equal("http://cache-1/_peer/demo/k", asked[0].RequestUri!.ToString());
        Assert.NotNull(value);
        Assert.Equal([7, 8], value.Value.Value.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(4), value.Value.TimeToLive);
        Assert.Equal(TimeSpan.FromSeconds(6), value.Value.Age);
    }

    [Fact]
    public async Task AHandOffAnsweredAsAPlainGet_IsAFailure_AndThePeerIsNotAskedAgainForALease()
    {
        int sent = 0;
        HttpCachePeer peer = PeerWith(
            new RecordingHandler(_ =>
            {
                Interlocked.Increment(ref sent);

                // A version-1 node at the same address: it ignored the header and answered a load, deferred.
                var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent("V\nold"u8.ToArray()) };
                response.Headers.Add(PeerProtocol.DeferredHeader, "1");
                return Task.FromResult(response);
            }),
            lease: TimeSpan.FromSeconds(6));
        peer.ProtocolVersion = 2;

        await Assert.ThrowsAsync<HttpRequestException>(async () => await peer.HandOffAsync("demo", "k", Token));
        Assert.Null(await peer.HandOffAsync("demo", "k2", Token));
        _clock.Advance(TimeSpan.FromSeconds(6));
        await Assert.ThrowsAsync<HttpRequestException>(async () => await peer.HandOffAsync("demo", "k3", Token));

        Assert.Equal(2, sent);
    }

    [Fact]
    public async Task ADirectAnswer_CarriesItsFreshnessInHeaders()
    {
        HttpCachePeer peer = PeerAnswering(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1, 2]) };
            response.Headers.Add(PeerProtocol.TtlHeader, "-1500");
            response.Headers.Add(PeerProtocol.AgeHeader, "61500");
            response.Headers.Add(CacheHttpProtocol.StaleHeader, "true");
            return response;
        });

        CacheResult result = await peer.GetAsync("demo", "k", Token);

        Assert.Equal([1, 2], result.Value.ToArray());
        Assert.Equal(TimeSpan.FromMilliseconds(-1500), result.TimeToLive);
        Assert.Equal(TimeSpan.FromMilliseconds(61500), result.Age);
        Assert.True(result.IsStale);
    }

    [Fact]
    public async Task ADirectAnswerWithoutFreshness_NeverExpires()
    {
        HttpCachePeer peer = PeerAnswering(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1]) });

        CacheResult result = await peer.GetAsync("demo", "k", Token);

        Assert.Null(result.TimeToLive);
        Assert.False(result.IsStale);
    }

    [Fact]
    public async Task ADeferredAnswer_CarriesItsFreshnessInALine_AndSkipsFieldsItDoesNotKnow()
    {
        HttpCachePeer peer = PeerAnswering(() => Deferred(new MemoryStream([(byte)'V', .. " ttl=0 age=250 later=x\n"u8, 9, 9])));

        CacheResult result = await peer.GetAsync("demo", "k", Token);

        Assert.Equal([9, 9], result.Value.ToArray());
        Assert.Equal(TimeSpan.Zero, result.TimeToLive);
        Assert.Equal(TimeSpan.FromMilliseconds(250), result.Age);
        Assert.False(result.IsStale);
    }

    [Fact]
    public async Task ADeferredValueWithoutItsLine_IsAFailedFetch()
    {
        HttpCachePeer peer = PeerAnswering(() => Deferred(new MemoryStream([(byte)'V', 1, 2, 3])));

        await Assert.ThrowsAsync<InvalidDataException>(async () => await peer.GetAsync("demo", "k", Token));
    }

    [Fact]
    public async Task AWrite_SendsTheValueAndItsLifetime_ToTheKeysPeerPath()
    {
        HttpRequestMessage? seen = null;
        byte[]? body = null;
        HttpCachePeer peer = PeerWith(new RecordingHandler(async request =>
        {
            seen = request;
            body = await request.Content!.ReadAsByteArrayAsync();
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }));

        await peer.WriteAsync("demo", "a/b c", new byte[] { 4, 5 }, TimeSpan.FromSeconds(7), Token);

        Assert.Equal(HttpMethod.Put, seen!.Method);
        Assert.Equal("/_peer/demo/a%2Fb%20c", seen.RequestUri!.AbsolutePath);
        Assert.Equal("7000", Assert.Single(seen.Content!.Headers.GetValues(PeerProtocol.TtlHeader)));
        Assert.Equal([4, 5], body);
    }

    [Fact]
    public async Task AClear_GoesToThePeerAdminPath_OutsideTheKeys()
    {
        HttpRequestMessage? seen = null;
        HttpCachePeer peer = PeerWith(new RecordingHandler(request =>
        {
            seen = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }));

        await peer.ClearAsync("demo", hotOnly: true, Token);

        Assert.Equal(HttpMethod.Post, seen!.Method);
        Assert.Equal("/_peer-admin/groups/demo/clear?hotOnly=true", seen.RequestUri!.PathAndQuery);
    }

    [Fact]
    public async Task AChangeAnswered5xx_IsNotAcknowledged_AndCountsAgainstThePeer()
    {
        HttpCachePeer peer = PeerAnswering(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        CachePeerException error = await Assert.ThrowsAsync<CachePeerException>(async () => await peer.RemoveAsync("demo", "k", Token));

        Assert.Contains("answered 503", error.Message, StringComparison.Ordinal);
        Assert.Equal(MemberState.Suspect, _health.Snapshot()["cache-1"].State);
    }

    [Fact]
    public async Task AChangeRefusedWith4xx_IsNotAcknowledged_ButIsNotThePeersFault()
    {
        HttpCachePeer peer = PeerAnswering(() => new HttpResponseMessage(HttpStatusCode.NotFound));

        CachePeerException error = await Assert.ThrowsAsync<CachePeerException>(async () => await peer.ClearAsync("demo", hotOnly: false, Token));

        Assert.Contains("answered 404", error.Message, StringComparison.Ordinal);
        Assert.Equal(MemberState.Up, _health.Snapshot()["cache-1"].State);
    }

    [Fact]
    public async Task AChangeWithoutAnAnswer_TimesOutAtThePeerTimeout_AndCountsAgainstThePeer()
    {
        var never = new TaskCompletionSource<HttpResponseMessage>();
        HttpCachePeer peer = PeerAnswering(never.Task);

        Task write = peer.WriteAsync("demo", "k", new byte[] { 1 }, null, Token).AsTask();
        Assert.False(write.IsCompleted);
        _clock.Advance(PeerTimeout);

        CachePeerException error = await Assert.ThrowsAsync<CachePeerException>(() => write.WaitAsync(TimeSpan.FromSeconds(30), Token));
        Assert.Contains("no answer within 1000 ms", error.Message, StringComparison.Ordinal);
        Assert.Equal(MemberState.Suspect, _health.Snapshot()["cache-1"].State);
    }

    [Fact]
    public async Task AChangeThePeerMisses_IsOwedByIt_AndFailsOnlyOnceItsLeaseHasRunOut()
    {
        HttpCachePeer peer = PeerWith(new AnsweringHandler(Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))), TimeSpan.FromSeconds(6));
        _clock.Advance(TimeSpan.FromSeconds(1));
        _missed.OwedBy("cache-1"); // Its last "nothing owed": its lease runs until 6 s from now.
        _clock.Advance(TimeSpan.FromSeconds(1));

        Task remove = peer.RemoveAsync("demo", "k", Token).AsTask();
        await Waits.UntilAsync("the unreachable member is owed the change", () => _missed.Owes("cache-1", "demo"), cancellationToken: Token);
        _clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.False(remove.IsCompleted);
        _clock.Advance(TimeSpan.FromTicks(1));

        CachePeerException missed = await Assert.ThrowsAsync<CachePeerException>(() => remove.WaitAsync(TimeSpan.FromSeconds(30), Token));
        Assert.IsNotType<TimeoutException>(missed);
        Assert.Contains("503", missed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChangeToAPeerOutOfTheRing_FailsAtOnce()
    {
        var never = new TaskCompletionSource<HttpResponseMessage>();
        HttpCachePeer peer = PeerAnswering(never.Task);
        _health.ReportFailure("cache-1", PeerSignal.Probe, "probe timed out", timedOut: true);
        _health.ReportFailure("cache-1", PeerSignal.Probe, "probe timed out", timedOut: true);

        CachePeerException error = await Assert.ThrowsAsync<CachePeerException>(async () => await peer.RemoveAsync("demo", "k", Token));

        Assert.Contains("out of the ring", error.Message, StringComparison.Ordinal);
    }

    private static HttpResponseMessage Deferred(Stream body)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        response.Headers.Add(PeerProtocol.DeferredHeader, "1");
        return response;
    }

    private HttpCachePeer PeerAnswering(Func<HttpResponseMessage> answer) => PeerAnswering(Task.FromResult(answer()));

    private HttpCachePeer PeerAnswering(Task<HttpResponseMessage> answer) => PeerWith(new AnsweringHandler(answer));

    // No lease by default, so that a change the peer misses fails as soon as it is missed; the test of
    // the wait for the lease gives one.
    private HttpCachePeer PeerWith(HttpMessageHandler handler, TimeSpan lease = default) => new(
        "cache-1",
        new Uri("http://cache-1"),
        new SingleClientFactory(handler),
        _health,
        PeerTimeout,
        new Dictionary<string, CacheGroupSettings> { ["demo"] = new() },
        _clock,
        NullLogger.Instance,
        _missed,
        lease);

    private sealed class AnsweringHandler(Task<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            answer.WaitAsync(cancellationToken);
    }

    private sealed class RecordingHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request);
    }

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    /// <summary>A body whose bytes arrive when the test says: reads wait until then, or until cancelled.</summary>
    private sealed class HeldStream : Stream
    {
        private readonly TaskCompletionSource<byte[]> _bytes = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private byte[]? _rest;

        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Complete(byte[] bytes) => _bytes.SetResult(bytes);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reading.TrySetResult();
            _rest ??= await _bytes.Task.WaitAsync(cancellationToken);
            int count = Math.Min(buffer.Length, _rest.Length);
            _rest.AsSpan(0, count).CopyTo(buffer.Span);
            _rest = _rest[count..];
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
