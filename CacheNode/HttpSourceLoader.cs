using System.Net;

namespace AspireCache.Node;

/// <summary>Loads a group's keys over HTTP from its source service, e.g. <c>GET http://demobackend/data/{key}</c>.</summary>
internal sealed class HttpSourceLoader(string group, CacheGroupSettings settings, IHttpClientFactory clients)
{
    // A service-discovery name: the client's handler resolves it to the source's address.
    private readonly Uri _baseAddress = new($"http://{settings.SourceService}");

    public async ValueTask<ReadOnlyMemory<byte>> LoadAsync(string key, CancellationToken cancellationToken)
    {
        string path = settings.SourcePath.Replace("{key}", CacheKeyPath.Encode(key), StringComparison.Ordinal);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.LoadTimeout);
        try
        {
            using HttpClient client = clients.CreateClient(PeerProtocol.SourceClientName);
            using HttpResponseMessage response = await client
                .GetAsync(new Uri(_baseAddress, path), HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new CacheSourceException(
                    $"The source {settings.SourceService} of group '{group}' answered {(int)response.StatusCode} {response.ReasonPhrase}.",
                    isTimeout: response.StatusCode == HttpStatusCode.GatewayTimeout);
            }

            return await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CacheSourceException(
                $"The source {settings.SourceService} of group '{group}' did not answer within {settings.LoadTimeout.TotalSeconds:0.###} s.", isTimeout: true, ex);
        }
        catch (Exception ex) when (ex is not CacheSourceException && !cancellationToken.IsCancellationRequested)
        {
            // Any other failure (unreachable, refused, service discovery) is the source's too. The cause
            // stays on the exception for logs; the message, which clients see, names no address.
            throw new CacheSourceException($"The source {settings.SourceService} of group '{group}' could not be reached ({ex.GetType().Name}).", isTimeout: false, ex);
        }
    }
}
