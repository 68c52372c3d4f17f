using System.Net;

namespace AspireCache.AspNetCore;

/// <summary>The hand-off request: the new owner of a key asks its previous owner's store.</summary>
/// <remarks>
/// A <c>GET /_peer/{group}/{key}</c> with <see cref="PeerProtocol.HandOffHeader"/>, which a node of protocol
/// version 2 or later answers from its store only: the value with its freshness headers, or 204 when it holds
/// none. A node of version 1 would ignore the header and load the key, so it is never asked. The request has
/// <c>PeerTimeout</c> in all and says nothing about the peer's health: it may be a node that is leaving.
/// </remarks>
internal sealed partial class HttpCachePeer
{
    public async ValueTask<CacheResult?> HandOffAsync(string group, string key, CancellationToken cancellationToken)
    {
        if (ProtocolVersion < PeerProtocol.HandOffVersion || health.WhenDown(Name).IsCancellationRequested)
        {
            return null;
        }

        int maxValueBytes = groups.TryGetValue(group, out CacheGroupSettings? settings) ? settings.MaxValueBytes : new CacheGroupSettings().MaxValueBytes;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using HttpClient client = clients.CreateClient(PeerProtocol.PeerClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseAddress, PeerProtocol.PeerPath(group, key)));
        request.Headers.TryAddWithoutValidation(PeerProtocol.HandOffHeader, "1");
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
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
