using System.Diagnostics;

namespace AspireCache.Client;

/// <summary>The client's spans: one per operation, never with the key in clear (keys can be personal data), only its keyed hash.</summary>
internal static class CacheClientTracing
{
    public const string GroupTag = "aspirecache.group";
    public const string KeyHashTag = "aspirecache.key.hash";
    public const string MemberTag = "aspirecache.member";
    public const string OwnerTag = "aspirecache.owner";
    public const string RetriedTag = "aspirecache.retried";
    public const string ResultTag = "aspirecache.result";

    public static readonly ActivitySource Source = new(CacheClientDiagnostics.ActivitySourceName);

    /// <summary>Starts an operation's span; it carries the key's hash under <paramref name="keyHash"/> when the client has the cluster's secret.</summary>
    public static Activity? Start(CacheClientOperation operation, string group, string? key, TelemetryKeyHash? keyHash)
    {
        Activity? activity = Source.StartActivity(operation.SpanName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GroupTag, group);
            if (key is not null && keyHash is not null)
            {
                activity.SetTag(KeyHashTag, keyHash.Of(key));
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
}
