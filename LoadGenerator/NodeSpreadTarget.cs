using System.Net;
using AspireCache.Client;

namespace LoadGenerator;

/// <summary>
/// Sends each read to the next node in turn, as a round-robin load balancer would: a node that does not
/// own the key asks its owner, so this route shows the cluster's peer fetches and hot cache at work.
/// </summary>
internal sealed class NodeSpreadTarget : ITrafficTarget
{
    /// <summary>The name of the HTTP client used: service discovery, no resilience handler (a retry would hide an error and add load).</summary>
    public const string HttpClientName = "loadgen-nodes";

    private readonly HttpClient _http;
    private readonly IReadOnlyList<Uri> _nodes;
    private int _next = -1;

    public NodeSpreadTarget(HttpClient http, IReadOnlyList<Uri> nodes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(nodes.Count, nameof(nodes));
        _http = http;
        _nodes = nodes;
    }

    public async Task<string> ReadAsync(string group, string key, CancellationToken cancellationToken)
    {
        Uri node = _nodes[(int)((uint)Interlocked.Increment(ref _next) % (uint)_nodes.Count)];
        var path = new Uri(node, $"cache/{Uri.EscapeDataString(group)}/{Uri.EscapeDataString(key)}");
        using HttpResponseMessage response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return "not-found";
        }

        response.EnsureSuccessStatusCode();

        // The body is read to the end, as a real caller would, but not kept.
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
        return ResultOf(response.Headers.TryGetValues(CacheHttpProtocol.ResultHeader, out IEnumerable<string>? results) ? results.FirstOrDefault() : null);
    }

    /// <summary>
    /// The result as a metric label: one of the contract's words, else <see cref="OtherResult"/>. What a node,
    /// or anything posing as one, sends in the header never becomes a label of its own: labels are a bounded set.
    /// </summary>
    public static string ResultOf(string? header) => header switch
    {
        "hit" or "hot" or "peer" or "load" => header,
        _ => OtherResult,
    };

    /// <summary>The label of a result header that is missing or not one of the contract's words.</summary>
    public const string OtherResult = "other";

    /// <summary>
    /// The nodes' addresses from a cache connection string (<c>cache-0,cache-1</c> or
    /// <c>cache-0=http://host:port,…</c>): a bare member name becomes <c>http://{name}/</c>, which service
    /// discovery resolves, as the owner-routing client does.
    /// </summary>
    public static List<Uri> AddressesOf(string? connectionString)
    {
        var nodes = new List<Uri>();
        foreach (string entry in (connectionString ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            string address = equals < 0 ? $"http://{entry}" : entry[(equals + 1)..].Trim();
            nodes.Add(new Uri(address.EndsWith('/') ? address : address + "/", UriKind.Absolute));
        }

        return nodes;
    }
}
