namespace AspireCache.Client;

/// <summary>The client's operations, each with one name for its method, its span and its metrics' <c>aspirecache.operation</c>.</summary>
internal sealed class CacheClientOperation
{
    public static readonly CacheClientOperation Get = new("get");
    public static readonly CacheClientOperation Write = new("write");
    public static readonly CacheClientOperation Remove = new("remove");
    public static readonly CacheClientOperation Clear = new("clear");

    private CacheClientOperation(string name)
    {
        Name = name;
        SpanName = "aspirecache.client." + name;
    }

    /// <summary>The value of the <c>aspirecache.operation</c> tag.</summary>
    public string Name { get; }

    /// <summary>The span's name: <c>aspirecache.client.{name}</c>.</summary>
    public string SpanName { get; }
}
