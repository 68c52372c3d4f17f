using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AspireCache.Client;

/// <summary>The client's spans: one per operation, never with the key in clear (keys can be personal data).</summary>
internal static class CacheClientTracing
{
    public const string GroupTag = "aspirecache.group";
    public const string KeyHashTag = "aspirecache.key.hash";
    public const string MemberTag = "aspirecache.member";
    public const string OwnerTag = "aspirecache.owner";
    public const string RetriedTag = "aspirecache.retried";
    public const string ResultTag = "aspirecache.result";

    public static readonly ActivitySource Source = new(CacheClientDiagnostics.ActivitySourceName);

    public static Activity? Start(CacheClientOperation operation, string group, string? key)
    {
        Activity? activity = Source.StartActivity(operation.SpanName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GroupTag, group);
            if (key is not null)
            {
                activity.SetTag(KeyHashTag, HashOf(key));
            }
        }

        return activity;
    }

    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity.SetTag("error.type", exception.GetType().FullName);
    }

    /// <summary>The same hash the nodes tag their spans with (XXH3-64 of the UTF-8, in hex), so a client span and the node's can be matched.</summary>
    public static string HashOf(string key) =>
        KeyHashes.XxHash3(Encoding.UTF8.GetBytes(key)).ToString("x16", CultureInfo.InvariantCulture);
}
