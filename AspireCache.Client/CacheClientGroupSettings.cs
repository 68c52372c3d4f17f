namespace AspireCache.Client;

/// <summary>A cache client's settings for one group, under <c>AspireCache:Client:{connectionName}:Groups:{group}</c>.</summary>
public sealed class CacheClientGroupSettings
{
    /// <summary>
    /// The largest answer to a get of the group that the client reads, in bytes: the group's <c>MaxValueBytes</c>
    /// on the nodes. Null, the default, takes the connection's <see cref="CacheClientSettings.MaxValueBytes"/>.
    /// </summary>
    public int? MaxValueBytes { get; set; }
}
