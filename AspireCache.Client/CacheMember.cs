namespace AspireCache.Client;

/// <summary>A member of the cluster: its name on the ring, and its address when one was given instead of service discovery.</summary>
internal sealed record CacheMember(string Name, Uri? Address)
{
    /// <summary>The service-discovery name of a member without an address: <c>http://{name}</c>, as the nodes resolve each other.</summary>
    public string ServiceName => $"http://{Name}";
}
