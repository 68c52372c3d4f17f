using Microsoft.Extensions.Options;

namespace AspireCache.Node;

/// <summary>Probes every peer's liveness endpoint on a fixed interval, so that a peer is judged even when no traffic goes to it.</summary>
internal sealed class PeerProber(LocalNode node, IHttpClientFactory clients, IOptions<CacheNodeOptions> options, TimeProvider time) : BackgroundService
{
    public const string ClientName = "aspirecache-probe";

    // Any failure of a probe is a verdict on the peer, never a reason to stop probing.
#pragma warning disable CA1031
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await Task.WhenAll(node.Health.PeerNames.Select(peer => ProbeAsync(peer, stoppingToken)));
        }
    }

    private async Task ProbeAsync(string peer, CancellationToken stoppingToken)
    {
        try
        {
            using HttpClient client = clients.CreateClient(ClientName);
            using HttpResponseMessage response = await client.GetAsync(new Uri($"http://{peer}/alive"), stoppingToken);
            if (response.IsSuccessStatusCode)
            {
                node.Health.ReportSuccess(peer, PeerSignal.Probe);
            }
            else
            {
                node.Health.ReportFailure(peer, PeerSignal.Probe, $"probe answered {(int)response.StatusCode}", timedOut: false);
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
        catch (Exception ex)
        {
            node.Health.ReportFailure(peer, PeerSignal.Probe, $"probe failed: {ex.GetType().Name}: {ex.Message}", timedOut: false);
        }
    }
#pragma warning restore CA1031
}
