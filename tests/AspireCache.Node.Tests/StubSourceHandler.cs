using System.Net;

namespace AspireCache.Node.Tests;

/// <summary>The groups' data source, answered in memory: 64 bytes for any key, 500 for keys starting with <c>error-</c>.</summary>
internal sealed class StubSourceHandler : HttpMessageHandler
{
    public const int ValueBytes = 64;

    private const string SourcePrefix = "/data/";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string path = request.RequestUri?.AbsolutePath ?? string.Empty;
        string encodedKey = path.StartsWith(SourcePrefix, StringComparison.Ordinal) ? path[SourcePrefix.Length..] : path;
        if (encodedKey.StartsWith("error-", StringComparison.Ordinal))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError) { RequestMessage = request });
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(new byte[ValueBytes]),
            RequestMessage = request,
        });
    }
}
