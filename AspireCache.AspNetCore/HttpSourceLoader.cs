using System.Net;
using AspireCache.Client;

namespace AspireCache.AspNetCore;

/// <summary>Loads a group's keys over HTTP from its source service, e.g. <c>GET http://demobackend/data/{key}</c>.</summary>
/// <remarks>
/// A 404 is the source's answer that the key does not exist (<see cref="CacheKeyNotFoundException"/>);
/// any other error status, an unreachable source or a value over the group's limit is a
/// <see cref="CacheSourceException"/>. The group's LoadTimeout arrives as the cancellation token. The
/// response's <c>Cache-Control</c> and <c>Age</c> set the value's lifetime (<see cref="SourceLifetime"/>).
/// </remarks>
internal sealed class HttpSourceLoader(string group, CacheGroupSettings settings, IHttpClientFactory clients)
{
    // A service-discovery name: the client's handler resolves it to the source's address.
    private readonly Uri _baseAddress = new($"http://{settings.SourceService}");

    public async ValueTask<LoadedValue> LoadAsync(string key, CancellationToken cancellationToken)
    {
        string path = settings.SourcePath.Replace("{key}", CacheKeyPath.Encode(key), StringComparison.Ordinal);
        try
        {
            using HttpClient client = clients.CreateClient(PeerProtocol.SourceClientName);
            using HttpResponseMessage response = await client
                .GetAsync(new Uri(_baseAddress, path), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new CacheKeyNotFoundException($"The source {settings.SourceService} of group '{group}' has no value for this key (404).");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new CacheSourceException(
                    $"The source {settings.SourceService} of group '{group}' answered {(int)response.StatusCode} {response.ReasonPhrase}.",
                    isTimeout: response.StatusCode == HttpStatusCode.GatewayTimeout);
            }

            byte[] value = await BoundedBody.ReadAsync(response.Content, settings.MaxValueBytes, group, cancellationToken).ConfigureAwait(false);
            return new LoadedValue(value, SourceLifetime.Of(response));
        }
        catch (Exception ex) when (ex is not (CacheSourceException or CacheKeyNotFoundException or OperationCanceledException))
        {
            // Any other failure (unreachable, refused, service discovery) is the source's too. The cause
            // stays on the exception for logs; the message, which clients see, names no address.
            throw new CacheSourceException($"The source {settings.SourceService} of group '{group}' could not be reached ({ex.GetType().Name}).", isTimeout: false, ex);
        }
    }
}
