using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>
/// Asks every peer for its status on a fixed interval (<see cref="PeerStatusEndpoints"/>): whether it
/// answers at all, which judges it even when no traffic goes to it, and which changes this node missed,
/// which it clears before it renews its <see cref="MemoryLease"/>.
/// </summary>
/// <remarks>
/// Only what the network and the peer can cause (<see cref="CachePeerException.IsPeerFailure"/>: timeouts,
/// socket and HTTP errors, error statuses, answers that do not parse or are too large) counts against the
/// peer. Anything else is a bug of this node: logged and counted (<see cref="CacheInternalErrors"/>), and
/// the peer's health is left as it was. A peer that answers 409 does not list this node as a member (yet):
/// that is neither a failure nor a renewal of the lease.
/// </remarks>
internal sealed class PeerProber(
    LocalNode node,
    NodeSecrets secrets,
    Membership membership,
    IHttpClientFactory clients,
    IOptions<CacheNodeOptions> options,
    TimeProvider time,
    IMeterFactory meters,
    ILogger<PeerProber> logger) : BackgroundService
{
    public const string ClientName = "aspirecache-probe";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await ProbeAllAsync(stoppingToken);
        }
    }

    /// <summary>One round: every peer probed at once; for tests that drive rounds themselves.</summary>
    internal Task ProbeAllAsync(CancellationToken stoppingToken) => Task.WhenAll(node.Peers.Select(peer => ProbeAsync(peer, stoppingToken)));

    private async Task ProbeAsync(HttpCachePeer member, CancellationToken stoppingToken)
    {
        string peer = member.Name;
        long sentAt = time.GetTimestamp();
        try
        {
            using HttpClient client = clients.CreateClient(ClientName);
            Dictionary<string, long>? owed = await AskAsync(client, HttpMethod.Get, member, PeerStatusEndpoints.StatusPath, null, stoppingToken);
            if (owed is null)
            {
                return;
            }

            node.Health.ReportSuccess(peer, PeerSignal.Probe);
            if (owed.Count > 0)
            {
                // Cleared before acknowledging: the peer stops naming them only once nothing old is left here.
                foreach (string group in owed.Keys)
                {
                    if (node.Groups.TryGetValue(group, out CacheGroup? missed))
                    {
                        missed.ClearLocally();
                    }
                }

                owed = await AskAsync(client, HttpMethod.Post, member, PeerStatusEndpoints.AcknowledgePath, owed, stoppingToken);
            }

            if (owed is { Count: 0 })
            {
                node.Lease.Renew(peer, sentAt);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
        catch (TaskCanceledException)
        {
            node.Health.ReportFailure(peer, PeerSignal.Probe, $"probe timed out after {options.Value.ProbeTimeout.TotalMilliseconds:0} ms", timedOut: true);
        }
        catch (Exception ex) when (CachePeerException.IsPeerFailure(ex))
        {
            node.Health.ReportFailure(peer, PeerSignal.Probe, $"probe failed: {ex.GetType().Name}: {ex.Message}", timedOut: false);
        }
#pragma warning disable CA1031 // A bug of this node must neither stop the prober nor count against the peer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            CacheInternalErrors.Report(meters, logger, CacheInternalErrors.Probe, group: null, peer, ex);
        }
    }

    // The peer's answer: the groups this node still owes a clear; null (and a failure reported, unless the peer
    // does not list this node as a member) when it did not answer 2xx.
    private async Task<Dictionary<string, long>?> AskAsync(HttpClient client, HttpMethod method, HttpCachePeer peer, string path, Dictionary<string, long>? cleared, CancellationToken stoppingToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(peer.Address, path));
        request.Headers.TryAddWithoutValidation(PeerStatusEndpoints.MemberHeader, node.Name);

        // Probes go every second, traffic or not: a peer with another member set hears of it at once.
        PeerRequestHeaders.Stamp(request, secrets, membership);
        if (cleared is not null)
        {
            request.Content = JsonContent.Create(cleared);
        }

        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stoppingToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
        {
            node.Health.ReportFailure(peer.Name, PeerSignal.Probe, $"probe answered {(int)response.StatusCode}", timedOut: false);
            return null;
        }

        // A node of version 1 sends no version: it stays at 1, and is asked nothing that it would misread.
        peer.ProtocolVersion = response.Headers.TryGetValues(PeerProtocol.VersionHeader, out IEnumerable<string>? versions)
            && int.TryParse(versions.FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out int version) && version > 1 ? version : 1;
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            // Alive, and not listing this node yet (or any more): it tells this node nothing, so nothing is renewed.
            return null;
        }

        return await BoundedBody.ReadJsonAsync<Dictionary<string, long>>(response.Content, PeerProtocol.MaxStatusBytes, $"The status answer of {peer.Name}", stoppingToken);
    }
}
