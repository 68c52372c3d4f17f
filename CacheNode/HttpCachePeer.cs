using System.Diagnostics;
using System.Net;

namespace AspireCache.Node;

/// <summary>A peer node asked over HTTP; its address is resolved through service discovery from its name.</summary>
[DebuggerDisplay("{Name}")]
internal sealed partial class HttpCachePeer(string name, IHttpClientFactory clients, PeerHealth health, TimeSpan timeout, ILogger logger) : ICachePeer
{
    // "http://cache-1" is a service-discovery name: the client's handler resolves it to the node's address.
    private readonly Uri _baseAddress = new($"http://{name}");

    public string Name { get; } = name;

    public async ValueTask<ReadOnlyMemory<byte>> GetAsync(string group, string key, CancellationToken cancellationToken)
    {
        // One deadline for the headers and the body: a peer that stalls halfway through a value must
        // not hold the flight, and every caller waiting on it, any longer than one that never answers.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using HttpClient client = clients.CreateClient(PeerProtocol.PeerClientName);
            using HttpResponseMessage response = await client
                .GetAsync(new Uri(_baseAddress, PeerProtocol.PeerPath(group, key)), HttpCompletionOption.ResponseHeadersRead, deadline.Token)
                .ConfigureAwait(false);

            if (response.IsSuccessStatusCode)
            {
                byte[] value = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
                health.ReportSuccess(Name, PeerSignal.Fetch);
                return value;
            }

            if (response.Headers.Contains(PeerProtocol.SourceErrorHeader))
            {
                // The peer is fine; its data source is not.
                health.ReportSuccess(Name, PeerSignal.Fetch);
                throw new CacheSourceException(
                    $"The owner {Name} reported that the data source failed ({(int)response.StatusCode}).",
                    isTimeout: response.StatusCode == HttpStatusCode.GatewayTimeout);
            }

            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
            {
                // The peer answered, and refused this request (its key limit or groups differ from
                // ours): that says nothing against the peer, and must not let a client eject it.
                health.ReportSuccess(Name, PeerSignal.Fetch);
            }
            else
            {
                health.ReportFailure(Name, PeerSignal.Fetch, $"answered {(int)response.StatusCode}", timedOut: false);
            }

            throw new PeerFailedException($"Peer {Name} answered {(int)response.StatusCode}.");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            health.ReportFailure(Name, PeerSignal.Fetch, $"no answer within {timeout.TotalMilliseconds:0} ms", timedOut: true);
            LogPeerFailed(logger, Name, group, "timeout", $"no answer within {timeout.TotalMilliseconds:0} ms");
            throw new PeerFailedException($"Peer {Name} did not answer within {timeout.TotalMilliseconds:0} ms.");
        }
        catch (HttpRequestException ex)
        {
            health.ReportFailure(Name, PeerSignal.Fetch, $"unreachable: {ex.Message}", timedOut: false);
            LogPeerFailed(logger, Name, group, ex.GetType().Name, ex.Message);
            throw;
        }
        catch (PeerFailedException ex)
        {
            LogPeerFailed(logger, Name, group, "status", ex.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetch from peer {Peer} for group {Group} failed ({ErrorType}: {Error}); loading locally.")]
    private static partial void LogPeerFailed(ILogger logger, string peer, string group, string errorType, string error);

    /// <summary>A peer that answered with an error of its own, or not in time.</summary>
    private sealed class PeerFailedException(string message) : Exception(message);
}
