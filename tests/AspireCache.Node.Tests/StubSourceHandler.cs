using System.Collections.Concurrent;
using System.Net;

namespace AspireCache.Node.Tests;

/// <summary>
/// The groups' data source, answered in memory: 64 bytes for any key; 500 for keys starting with
/// <c>error-</c>, 404 for <c>missing-</c>, 2 MiB for <c>big-</c>; and keys a test holds answer when it lets them.
/// </summary>
internal sealed class StubSourceHandler : HttpMessageHandler
{
    public const int ValueBytes = 64;

    public const int BigValueBytes = 2 * 1024 * 1024;

    private const string SourcePrefix = "/data/";

    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Held = new(StringComparer.Ordinal);

    /// <summary>Makes the source hold its answer for <paramref name="encodedKey"/> until the returned source completes.</summary>
    public static TaskCompletionSource Hold(string encodedKey) =>
        Held.GetOrAdd(encodedKey, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string path = request.RequestUri?.AbsolutePath ?? string.Empty;
        string encodedKey = path.StartsWith(SourcePrefix, StringComparison.Ordinal) ? path[SourcePrefix.Length..] : path;
        if (Held.TryGetValue(encodedKey, out TaskCompletionSource? hold))
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        if (encodedKey.StartsWith("error-", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.InternalServerError) { RequestMessage = request };
        }

        if (encodedKey.StartsWith("missing-", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        }

        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(new byte[encodedKey.StartsWith("big-", StringComparison.Ordinal) ? BigValueBytes : ValueBytes]),
            RequestMessage = request,
        };
    }
}
