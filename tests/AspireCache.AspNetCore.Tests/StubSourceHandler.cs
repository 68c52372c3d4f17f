using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// The groups' data source, answered in memory: 64 bytes for any key, which depend on the key
/// (<see cref="ValueOf"/>); 500 for keys starting with
/// <c>error-</c>, 404 for <c>missing-</c>, 2 MiB for <c>big-</c>; keys a test holds answer when it lets
/// them, and keys a test set answer what it set (a value, Cache-Control and Age headers, or a failure).
/// </summary>
internal sealed class StubSourceHandler : HttpMessageHandler
{
    public const int ValueBytes = SHA512.HashSizeInBytes;

    public const int BigValueBytes = 2 * 1024 * 1024;

    private const string SourcePrefix = "/data/";

    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Held = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, StubAnswer> Answers = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, int> Calls = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Asked = new(StringComparer.Ordinal);

    /// <summary>Makes the source hold its answer for <paramref name="encodedKey"/> until the returned source completes.</summary>
    public static TaskCompletionSource Hold(string encodedKey) =>
        Held.GetOrAdd(encodedKey, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Completes when the source is first asked for <paramref name="encodedKey"/>.</summary>
    public static Task WhenAsked(string encodedKey) => AskedSource(encodedKey).Task;

    /// <summary>Makes the source answer <paramref name="encodedKey"/> with <paramref name="answer"/> from now on.</summary>
    public static void Answer(string encodedKey, StubAnswer answer) => Answers[encodedKey] = answer;

    /// <summary>
    /// What the source answers for <paramref name="key"/> (decoded) unless a test set another answer: bytes
    /// that differ from key to key, so that a node that serves one key's value for another is caught.
    /// </summary>
    public static byte[] ValueOf(string key) => SHA512.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>How often the source was asked for <paramref name="encodedKey"/>.</summary>
    public static int CallsOf(string encodedKey) => Calls.GetValueOrDefault(encodedKey);

    private static TaskCompletionSource AskedSource(string encodedKey) =>
        Asked.GetOrAdd(encodedKey, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string path = request.RequestUri?.AbsolutePath ?? string.Empty;
        string encodedKey = path.StartsWith(SourcePrefix, StringComparison.Ordinal) ? path[SourcePrefix.Length..] : path;
        Calls.AddOrUpdate(encodedKey, 1, static (_, n) => n + 1);
        AskedSource(encodedKey).TrySetResult();
        if (Held.TryGetValue(encodedKey, out TaskCompletionSource? hold))
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        if (Answers.TryGetValue(encodedKey, out StubAnswer? answer))
        {
            return answer.ToResponse(request);
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
            Content = new ByteArrayContent(encodedKey.StartsWith("big-", StringComparison.Ordinal) ? new byte[BigValueBytes] : ValueOf(Uri.UnescapeDataString(encodedKey))),
            RequestMessage = request,
        };
    }
}

/// <summary>What the stub source answers for a key: a value with optional Cache-Control and Age headers (raw, unvalidated), or a 500.</summary>
internal sealed record StubAnswer(byte[] Value, string? CacheControl = null, string? Age = null, bool Fails = false)
{
    public static StubAnswer Failure { get; } = new([], Fails: true);

    public HttpResponseMessage ToResponse(HttpRequestMessage request)
    {
        if (Fails)
        {
            return new HttpResponseMessage(HttpStatusCode.InternalServerError) { RequestMessage = request };
        }

        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Value), RequestMessage = request };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (CacheControl is not null)
        {
            response.Headers.TryAddWithoutValidation("Cache-Control", CacheControl);
        }

        if (Age is not null)
        {
            response.Headers.TryAddWithoutValidation("Age", Age);
        }

        return response;
    }
}
