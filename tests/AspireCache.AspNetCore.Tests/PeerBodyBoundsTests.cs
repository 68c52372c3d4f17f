using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// What nodes read of each other's status answers and acknowledgements is bounded
/// (<see cref="PeerProtocol.MaxStatusBytes"/>): by the declared length before anything is read, and as read
/// one byte past the bound. A peer that sends more gave a bad answer, which counts against it as any failure does.
/// </summary>
public sealed class PeerBodyBoundsTests : IDisposable
{
    private readonly GhostPeerNode _node = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task AStatusAnswerWithoutALength_IsReadToOneBytePastItsBound_AndIsABadAnswerOfThePeers()
    {
        _ = _node.BaseAddress;
        var endless = new EndlessJson();
        _node.Peer.Answer(_ => Status(new StreamContent(endless)));

        await _node.Prober.ProbeAllAsync(Token);
        await _node.Prober.ProbeAllAsync(Token);

        MemberStatus ghost = _node.Services.GetRequiredService<LocalNode>().Health.Snapshot()["ghost"];
        Assert.Equal(MemberState.Down, ghost.State);
        Assert.Contains($"at most {PeerProtocol.MaxStatusBytes} are read", ghost.LastError, StringComparison.Ordinal);
        Assert.InRange(endless.BytesRead, PeerProtocol.MaxStatusBytes + 1, 2 * (PeerProtocol.MaxStatusBytes + 1));
    }

    [Fact]
    public async Task AStatusAnswerDeclaringMoreThanItsBound_IsRefusedBeforeItIsRead()
    {
        _ = _node.BaseAddress;
        var endless = new EndlessJson();
        _node.Peer.Answer(_ =>
        {
            var content = new StreamContent(endless);
            content.Headers.ContentLength = 1L << 30;
            return Status(content);
        });

        await _node.Prober.ProbeAllAsync(Token);

        MemberStatus ghost = _node.Services.GetRequiredService<LocalNode>().Health.Snapshot()["ghost"];
        Assert.Contains($"has {1L << 30} bytes", ghost.LastError, StringComparison.Ordinal);
        Assert.Equal(0, endless.BytesRead);
    }

    [Fact]
    public async Task AnAcknowledgementOverItsBound_Is413_AndTheMemberStillOwesWhatItDid()
    {
        MissedChanges missed = _node.Services.GetRequiredService<MissedChanges>();
        missed.Record("ghost", CacheNodeFactory.Group);
        using HttpClient peer = NodeClients.Peer(_node);
        using var request = new HttpRequestMessage(HttpMethod.Post, PeerStatusEndpoints.AcknowledgePath)
        {
            Content = new ByteArrayContent(new byte[PeerProtocol.MaxStatusBytes + 1]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add(PeerStatusEndpoints.MemberHeader, "ghost");
        request.Headers.Add(PeerProtocol.VersionHeader, PeerProtocol.VersionText);

        using HttpResponseMessage response = await peer.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(missed.Owes("ghost", CacheNodeFactory.Group));
    }

    private static HttpResponseMessage Status(HttpContent content)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        response.Headers.Add(PeerProtocol.VersionHeader, PeerProtocol.VersionText);
        return response;
    }

    /// <summary>A JSON object that never ends: <c>{"g0":0,"g1":0,…</c>; counts what was read of it.</summary>
    private sealed class EndlessJson : Stream
    {
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                buffer[offset + i] = (byte)(Interlocked.Read(ref _read) + i == 0 ? '{' : '0');
            }

            Interlocked.Add(ref _read, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
