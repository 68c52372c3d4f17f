namespace AspireCache.AspNetCore;

/// <summary>
/// Stamps every request of the peer client with what the receiver checks: the peer secret, this node's
/// protocol version and its member-set fingerprint, read at sending time because the member set can change.
/// </summary>
internal sealed class PeerRequestHeaders(NodeSecrets secrets, Membership membership) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Stamp(request, secrets, membership);
        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>Adds the headers to a request sent by another client (the prober's).</summary>
    public static void Stamp(HttpRequestMessage request, NodeSecrets secrets, Membership membership)
    {
        request.Headers.TryAddWithoutValidation("Authorization", secrets.Peer.HeaderValue);
        request.Headers.TryAddWithoutValidation(PeerProtocol.VersionHeader, PeerProtocol.VersionText);
        request.Headers.TryAddWithoutValidation(Membership.Header, membership.FingerprintText);
    }
}
