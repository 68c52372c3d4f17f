using System.Collections.Concurrent;
using System.Net;

namespace AspireCache.Client.Tests;

/// <summary>
/// Stands in for the cluster behind the client's HttpClient: each member is the host <c>{name}.test</c>,
/// answers as its behaviour says (a hit by default), and every request is recorded in order.
/// </summary>
internal sealed class FakeNodes : HttpMessageHandler
{
    public static readonly string[] Names = ["cache-0", "cache-1", "cache-2"];

    /// <summary>The connection string naming the three members with their fake addresses.</summary>
    public static string ConnectionString => string.Join(",", Names.Select(n => $"{n}=http://{n}.test"));

    private readonly ConcurrentDictionary<string, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _behaviours = new();

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    /// <summary>Requests other than liveness checks, in order.</summary>
    public Recorded[] CacheRequests => [.. Requests.Where(r => r.Path != CacheHttpProtocol.AlivePath)];

    /// <summary>Sets how a member answers; by default it answers a hit that names it as owner.</summary>
    public void On(string member, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> behaviour) => _behaviours[member] = behaviour;

    /// <summary>Makes a member refuse connections.</summary>
    public void Refuse(string member) => On(member, (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (fake)"));

    /// <summary>Makes a member accept and never answer, as a stopped node behind Aspire's proxy does.</summary>
    public void Silence(string member) => On(member, async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    public static HttpResponseMessage Hit(string member, string value = "value", string result = "hit")
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(value)) };
        response.Headers.Add(CacheHttpProtocol.ResultHeader, result);
        response.Headers.Add(CacheHttpProtocol.OwnerHeader, member);
        return response;
    }

    public static HttpResponseMessage Problem(HttpStatusCode status, string? type = null, bool fromSource = false, string? membersJson = null, string title = "t")
    {
        string json = $$"""{"status":{{(int)status}},"title":"{{title}}","detail":"the node's detail"{{(type is null ? "" : $",\"type\":\"{type}\"")}}{{(membersJson is null ? "" : $",\"members\":{membersJson}")}}}""";
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/problem+json") };
        if (fromSource)
        {
            response.Headers.Add(CacheHttpProtocol.SourceErrorHeader, "1");
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string member = request.RequestUri!.Host[..^".test".Length];
        byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Requests.Enqueue(new Recorded(member, request.Method, request.RequestUri.AbsolutePath, request.RequestUri.OriginalString, request.Headers.Authorization?.ToString(), request.Headers.CacheControl?.MaxAge, body));
        return _behaviours.TryGetValue(member, out var behaviour)
            ? await behaviour(request, cancellationToken)
            : Hit(member);
    }

    internal sealed record Recorded(string Member, HttpMethod Method, string Path, string Uri, string? Authorization, TimeSpan? MaxAge, byte[]? Body);
}
