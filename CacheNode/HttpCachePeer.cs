using System.Diagnostics;

namespace AspireCache.Node;

/// <summary>A peer node asked over HTTP; its address is resolved through service discovery from its name.</summary>
[DebuggerDisplay("{Name}")]
internal sealed partial class HttpCachePeer(string name, IHttpClientFactory clients, PeerHealth health, ILogger logger) : ICachePeer
{
    // "http://cache-1" is a service-discovery name: the client's handler resolves it to the node's address.
    private readonly Uri _baseAddress = new($"http://{name}");

    public string Name { get; } = name;

    public async ValueTask<ReadOnlyMemory<byte>> GetAsync(string group, string key, CancellationToken cancellationToken)
    {
        try
        {
            using HttpClient client = clients.CreateClient(PeerProtocol.PeerClientName);
            using HttpResponseMessage response = await client
                .GetAsync(new Uri(_baseAddress, PeerProtocol.PeerPath(group, key)), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);

            if (response.IsSuccessStatusCode)
            {
                byte[] value = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                health.ReportSuccess(Name);
                return value;
            }

            if (response.Headers.Contains(PeerProtocol.SourceErrorHeader))
            {
                // The peer is fine; its data source is not.
                health.ReportSuccess(Name);
                throw new CacheSourceException(
                    $"The owner {Name} reported that the data source failed ({(int)response.StatusCode}).",
                    isTimeout: response.StatusCode == System.Net.HttpStatusCode.GatewayTimeout);
            }

            throw new HttpRequestException($"Peer {Name} answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
        catch (Exception ex) when (ex is not CacheSourceException)
        {
            // HttpClient's own timeout surfaces as a cancellation that nobody asked for.
            bool timedOut = ex is TaskCanceledException && !cancellationToken.IsCancellationRequested;
            health.ReportFailure(Name, timedOut ? "fetch timed out" : $"fetch failed: {ex.GetType().Name}: {ex.Message}", timedOut);
            LogPeerFailed(logger, Name, group, ex.GetType().Name, ex.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetch from peer {Peer} for group {Group} failed ({ErrorType}: {Error}); loading locally.")]
    private static partial void LogPeerFailed(ILogger logger, string peer, string group, string errorType, string error);
}
