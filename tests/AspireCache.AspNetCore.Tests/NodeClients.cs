using System.Net.Http.Headers;

namespace AspireCache.AspNetCore.Tests;

/// <summary>Clients of a test node: anonymous, or carrying a secret.</summary>
internal static class NodeClients
{
    public static HttpClient Anonymous(CacheNodeFactory node) => new() { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static HttpClient Admin(CacheNodeFactory node) => WithSecret(node, CacheNodeFactory.AdminSecretValue);

    public static HttpClient Peer(CacheNodeFactory node) => WithSecret(node, CacheNodeFactory.PeerSecretValue);

    public static HttpClient WithSecret(CacheNodeFactory node, string secret)
    {
        HttpClient client = Anonymous(node);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>The single value of a response header, or null.</summary>
    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? string.Join(",", values) : null;
}
