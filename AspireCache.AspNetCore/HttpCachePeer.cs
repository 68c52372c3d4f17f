using System.Diagnostics;
using System.Net;
using AspireCache.Client;

namespace AspireCache.AspNetCore;

/// <summary>A peer node asked over HTTP at its member address (a service-discovery name such as <c>http://cache-1</c>, or an IP address from DNS).</summary>
/// <remarks>
/// The peer has <c>PeerTimeout</c> to answer: with the value (a hit), or with the headers of a deferred
/// answer, which say that it is alive and loading the key. A deferred answer is then awaited for as long
/// as the group's load may take, unless the peer is taken out of the ring meanwhile (its probes fail):
/// a slow source never counts against its owner, and a dead owner still costs about two seconds.
/// Removals, writes and clears (in the other part of this class) have <c>PeerTimeout</c> in all.
/// A peer that answers an error status of its own, does not answer in time or is taken out of the ring
/// fails a call with <see cref="CachePeerException"/>; one that cannot be reached, with the transport's
/// <see cref="HttpRequestException"/> or <see cref="IOException"/>.
/// </remarks>
[DebuggerDisplay("{Name}")]
internal sealed partial class HttpCachePeer(
    string name,
    Uri address,
    IHttpClientFactory clients,
    PeerHealth health,
    TimeSpan timeout,
    IReadOnlyDictionary<string, CacheGroupSettings> groups,
    TimeProvider time,
    ILogger logger,
    MissedChanges missed,
    TimeSpan lease) : ICachePeer
{
    // "http://cache-1" is a service-discovery name: the client's handler resolves it to the node's address.
    private readonly Uri _baseAddress = address;

    public string Name { get; } = name;

    /// <summary>Where the peer listens, as its membership source gave it.</summary>
    public Uri Address => _baseAddress;

    /// <summary>
    /// The peer protocol version the peer last announced in a status answer (<see cref="PeerProtocol.VersionHeader"/>);
    /// 1, the version before there was one, until it has.
    /// </summary>
    public int ProtocolVersion
    {
        get => Volatile.Read(ref _protocolVersion);
        set => Volatile.Write(ref _protocolVersion, value);
    }

    private int _protocolVersion = 1;

    public async ValueTask<CacheResult> GetAsync(string group, string key, CancellationToken cancellationToken)
    {
        CacheGroupSettings settings = groups.TryGetValue(group, out CacheGroupSettings? known) ? known : new CacheGroupSettings();

        // One deadline for the headers and a hit's body: a peer that stalls halfway through a value must
        // not hold the flight, and every caller waiting on it, any longer than one that never answers.
        using var timer = new CancellationTokenSource(timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, health.WhenDown(Name), timer.Token);
        bool deferred = false;
        try
        {
            using HttpClient client = clients.CreateClient(PeerProtocol.PeerClientName);
            using HttpResponseMessage response = await client
                .GetAsync(new Uri(_baseAddress, PeerProtocol.PeerPath(group, key)), HttpCompletionOption.ResponseHeadersRead, deadline.Token)
                .ConfigureAwait(false);

            if (response.IsSuccessStatusCode && response.Headers.Contains(PeerProtocol.DeferredHeader))
            {
                // Alive and loading: wait as long as the load may take, plus the time to hear its end.
                deferred = true;
                health.ReportSuccess(Name, PeerSignal.Fetch);
                timer.CancelAfter(settings.LoadTimeout + timeout);
                byte[] answer = await BoundedBody.ReadAsync(response.Content, settings.MaxValueBytes + 1 + PeerFreshness.MaxLineBytes, group, deadline.Token).ConfigureAwait(false);
                return PeerAnswer.Read(answer, Name);
            }

            if (response.IsSuccessStatusCode)
            {
                byte[] value = await BoundedBody.ReadAsync(response.Content, settings.MaxValueBytes, group, deadline.Token).ConfigureAwait(false);
                CacheResult result = PeerFreshness.ReadHeaders(response, value);
                health.ReportSuccess(Name, PeerSignal.Fetch);
                return result;
            }

            if (response.Headers.Contains(CacheHttpProtocol.SourceErrorHeader))
            {
                // The peer is fine; its data source is not, or has no such key.
                health.ReportSuccess(Name, PeerSignal.Fetch);
                throw response.StatusCode == HttpStatusCode.NotFound
                    ? new CacheKeyNotFoundException($"The owner {Name} reported that the data source has no value for this key.")
                    : new CacheSourceException(
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

            throw new CachePeerException(Name, $"Peer {Name} answered {(int)response.StatusCode}.");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            bool down = health.WhenDown(Name).IsCancellationRequested;
            string error = down
                ? "taken out of the ring while this node waited for it"
                : deferred
                    ? $"no end of its load within {(settings.LoadTimeout + timeout).TotalMilliseconds:0} ms"
                    : $"no answer within {timeout.TotalMilliseconds:0} ms";
            if (!down)
            {
                health.ReportFailure(Name, PeerSignal.Fetch, error, timedOut: true);
            }

            LogPeerFailed(logger, Name, group, "timeout", error);
            throw new CachePeerException(Name, $"Peer {Name}: {error}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException)
        {
            health.ReportFailure(Name, PeerSignal.Fetch, $"unreachable: {ex.Message}", timedOut: false);
            LogPeerFailed(logger, Name, group, ex.GetType().Name, ex.Message);
            throw;
        }
        catch (CachePeerException ex)
        {
            LogPeerFailed(logger, Name, group, "status", ex.Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetch from peer {Peer} for group {Group} failed ({ErrorType}: {Error}); loading locally.")]
    private static partial void LogPeerFailed(ILogger logger, string peer, string group, string errorType, string error);
}
