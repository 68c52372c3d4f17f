using System.Globalization;
using System.Net;

namespace AspireCache.AspNetCore;

/// <summary>Removals, writes and clears sent to a peer, which applies them to its own memory only.</summary>
/// <remarks>
/// <para>
/// Each has <c>PeerTimeout</c> for the whole exchange and ends at once if the peer is out of the ring.
/// Any outcome but a 2xx is a change the peer missed: it is recorded (<see cref="MissedChanges"/>), and
/// the call throws only once the peer's memory lease has surely run out, so that from then on the peer
/// either has cleared the group or clears it before it serves. The node that took the change passes it
/// on to the key's owner first and to the others after: copies that others fetched from an owner that
/// missed it, while this waited, are dropped by the second round.
/// </para>
/// <para>
/// As with gets, a timeout or an unreachable peer counts against its health, and a 4xx (a request the
/// peer refused, such as a group it does not serve) does not.
/// </para>
/// </remarks>
internal sealed partial class HttpCachePeer
{
    public ValueTask RemoveAsync(string group, string key, CancellationToken cancellationToken) =>
        SendChangeAsync(HttpMethod.Delete, PeerProtocol.PeerPath(group, key), content: null, group, "Removal", cancellationToken);

    public ValueTask WriteAsync(string group, string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var content = new ReadOnlyMemoryContent(value);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        if (timeToLive is TimeSpan ttl)
        {
            content.Headers.TryAddWithoutValidation(PeerProtocol.TtlHeader, (ttl.Ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture));
        }

        return SendChangeAsync(HttpMethod.Put, PeerProtocol.PeerPath(group, key), content, group, "Write", cancellationToken);
    }

    public ValueTask ClearAsync(string group, bool hotOnly, CancellationToken cancellationToken) =>
        SendChangeAsync(HttpMethod.Post, PeerProtocol.PeerClearPath(group, hotOnly), content: null, group, hotOnly ? "Hot clear" : "Clear", cancellationToken);

    private async ValueTask SendChangeAsync(HttpMethod method, string path, HttpContent? content, string group, string operation, CancellationToken cancellationToken)
    {
        missed.Passing(group);
        try
        {
            await TrySendChangeAsync(method, path, content, group, operation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Whatever stopped it, a peer's failure or a bug of this node, the peer may not have the change.
            missed.Record(Name, group);
            TimeSpan wait = missed.UntilLeasesRunOut([Name], lease);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    private async ValueTask TrySendChangeAsync(HttpMethod method, string path, HttpContent? content, string group, string operation, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, health.WhenDown(Name), timer.Token);
        using var request = new HttpRequestMessage(method, new Uri(_baseAddress, path)) { Content = content };
        try
        {
            using HttpClient client = clients.CreateClient(PeerProtocol.PeerClientName);
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                health.ReportSuccess(Name, PeerSignal.Fetch);
                return;
            }

            if (response.StatusCode is >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError)
            {
                health.ReportSuccess(Name, PeerSignal.Fetch);
            }
            else
            {
                health.ReportFailure(Name, PeerSignal.Fetch, $"answered {(int)response.StatusCode} to a change", timedOut: false);
            }

            LogChangeFailed(logger, operation, Name, group, "status", $"answered {(int)response.StatusCode}");
            throw new CachePeerException(Name, $"Peer {Name} answered {(int)response.StatusCode}.");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            bool down = health.WhenDown(Name).IsCancellationRequested;
            string error = down ? "out of the ring" : $"no answer within {timeout.TotalMilliseconds:0} ms";
            if (!down)
            {
                // A peer out of the ring is already known to be down: one line per change would flood the log.
                health.ReportFailure(Name, PeerSignal.Fetch, error, timedOut: true);
                LogChangeFailed(logger, operation, Name, group, "timeout", error);
            }

            throw new CachePeerException(Name, $"Peer {Name}: {error}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            health.ReportFailure(Name, PeerSignal.Fetch, $"unreachable: {ex.Message}", timedOut: false);
            LogChangeFailed(logger, operation, Name, group, ex.GetType().Name, ex.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} at peer {Peer} for group {Group} was not acknowledged ({ErrorType}: {Error}).")]
    private static partial void LogChangeFailed(ILogger logger, string operation, string peer, string group, string errorType, string error);
}
