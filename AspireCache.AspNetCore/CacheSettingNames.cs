namespace AspireCache;

/// <summary>
/// The configuration keys a cache node and a cache client read, in one place: the server library binds
/// them, and the Aspire hosting library (which links this file) writes them as environment variables,
/// so a renamed setting cannot leave one side behind.
/// </summary>
internal static class CacheSettingNames
{
    /// <summary>The node's section (<c>Cache</c>); each key below is a property of the node's options.</summary>
    public const string Section = "Cache";

    public const string NodeName = "NodeName";
    public const string Members = "Members";
    public const string PeerSecret = "PeerSecret";
    public const string AdminSecret = "AdminSecret";
    public const string KeyHashSecret = "KeyHashSecret";
    public const string Groups = "Groups";

    /// <summary>Fault injection for failure tests (<c>Cache:Faults:Enabled</c>); off unless set.</summary>
    public const string FaultsEnabled = "Faults:Enabled";

    /// <summary>Keys of one group, under <c>Cache:Groups:{group}</c>.</summary>
    public static class Group
    {
        public const string SourceService = "SourceService";
        public const string SourcePath = "SourcePath";
        public const string NoSource = "NoSource";
        public const string CapacityBytes = "CapacityBytes";
        public const string LoadTimeout = "LoadTimeout";
        public const string TimeToLive = "TimeToLive";
        public const string RefreshAhead = "RefreshAhead";
        public const string StaleIfError = "StaleIfError";
        public const string MaxValueBytes = "MaxValueBytes";
    }

    /// <summary>
    /// Keys a cache client reads (the client library and the hosting library link this file): the
    /// members come from the connection string <c>ConnectionStrings:{name}</c>, the rest from
    /// <c>AspireCache:Client</c>, overridden per connection by <c>AspireCache:Client:{name}</c>.
    /// </summary>
    public static class Client
    {
        public const string Section = "AspireCache:Client";
        public const string AdminSecret = "AdminSecret";
        public const string KeyHashSecret = "KeyHashSecret";
        public const string MaxValueBytes = "MaxValueBytes";
        public const string Groups = "Groups";

        /// <summary>The environment variable that sets <c>AspireCache:Client:{connectionName}:{key}</c>.</summary>
        public static string EnvironmentVariable(string connectionName, string key) =>
            string.Join("__", Section.Replace(":", "__", StringComparison.Ordinal), connectionName, key);
    }

    /// <summary>The environment variable that sets <c>Cache:{path}</c>, e.g. <c>Cache__Groups__demo__SourcePath</c>.</summary>
    public static string EnvironmentVariable(params string[] path) =>
        string.Join("__", [Section, .. path]).Replace(":", "__", StringComparison.Ordinal);
}
