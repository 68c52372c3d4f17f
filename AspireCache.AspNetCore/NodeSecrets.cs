using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>The node's two secrets: the peers' for the peer API, the administrators' for the client write API.</summary>
internal sealed class NodeSecrets(IOptions<CacheNodeOptions> options)
{
    public SharedSecret Peer { get; } = new(options.Value.PeerSecret);

    public SharedSecret Admin { get; } = new(options.Value.AdminSecret);

    /// <summary>Checks a client write: the admin secret opens it; the peer secret alone does not.</summary>
    public SecretCheck CheckAdmin(HttpRequest request)
    {
        if (SharedSecret.Offered(request) is not byte[] offered)
        {
            return SecretCheck.Missing;
        }

        // Both comparisons always run, so the time taken does not tell which secret came close.
        bool admin = Admin.Matches(offered);
        bool peer = Peer.Matches(offered);
        return admin ? SecretCheck.Accepted : peer ? SecretCheck.PeerSecretOnClientApi : SecretCheck.Wrong;
    }
}
