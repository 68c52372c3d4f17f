using System.Net;

namespace AspireCache.AspNetCore;

/// <summary>The hand-off request: the new owner of a key asks its previous owner's store.</summary>
/// <remarks>
/// A <c>GET /_peer/{group}/{key}</c> with <see cref="PeerProtocol.HandOffHeader"/>, which a node of protocol
/// version 2 or later answers from its store only, with the header echoed: the value with its freshness
/// headers, or 204 when it holds none. A node of version 1 would ignore the header and load the key, so it is
/// never asked; and an answer without the echo (a version-1 node come back at the same address before its
/// next probe) is a failure, never a value. The request has <c>PeerTimeout</c> in all and says nothing about
/// the peer's health (it may be a node that is leaving); a peer that failed one is not asked again for a
/// lease, so that a node gone for good costs one timeout, not one per key (a bug of this node, which is no
/// failure of the peer's, pauses nothing).
/// </remarks>
internal sealed partial class HttpCachePeer
{
    private long _handOffsPausedUntil;

    public async ValueTask<CacheResult?> HandOffAsync(string group, string key, CancellationToken cancellationToken)
    {
        if (ProtocolVersion < PeerProtocol.HandOffVersion
            || health.WhenDown(Name).IsCancellationRequested
            || time.GetTimestamp() < Volatile.Read(ref _handOffsPausedUntil))
        {
            return null;
        }

        try
        {
            return await AskHandOffAsync(group, key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (CachePeerException.IsPeerFailure(ex))
        {
            // Only the peer's failure pauses its hand-offs: a bug of this node is reported by the group, and the peer is asked again.
            Volatile.Write(ref _handOffsPausedUntil, time.GetTimestamp() + (long)(lease.TotalSeconds * time.TimestampFrequency));
            throw;
        }
    }

    private async Task<CacheResult?> AskHandOffAsync(string group, string key, CancellationToken cancellationToken)
    {
        int maxValueBytes = groups.TryGetValue(group, out CacheGroupSettings? settings) ? settings.MaxValueBytes : new CacheGroupSettings().MaxValueBytes;
        using var timer = new CancellationTokenSource(timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        using HttpClient client = clients.CreateClient(PeerProtocol.PeerClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseAddress, PeerProtocol.PeerPath(group, key)));
        request.Headers.TryAddWithoutValidation(PeerProtocol.HandOffHeader, "1");
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
        if (!response.Headers.Contains(PeerProtocol.HandOffHeader) || response.Headers.Contains(PeerProtocol.DeferredHeader))
        {
            throw new HttpRequestException($"Peer {Name} answered the hand-off as a plain get ({(int)response.StatusCode}): it does not speak version {PeerProtocol.HandOffVersion}.");
        }

        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Peer {Name} answered the hand-off with {(int)response.StatusCode}.", null, response.StatusCode);
        }

        byte[] value = await BoundedBody.ReadAsync(response.Content, maxValueBytes, group, deadline.Token).ConfigureAwait(false);
        return PeerFreshness.ReadHeaders(response, value);
    }
}
