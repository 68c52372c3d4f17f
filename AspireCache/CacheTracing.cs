using System.Diagnostics;

namespace AspireCache;

/// <summary>The engine's spans on the <c>AspireCache</c> activity source; the README lists each one.</summary>
/// <remarks>
/// Keys can be personal data, so a span carries the key's keyed hash (<see cref="TelemetryKeyHash"/>, when
/// the group has a secret for it) and the key itself only when the group's <see cref="CacheGroupOptions.RecordKeys"/> allows it. Exception messages are left out for
/// the same reason: a loader's message may quote the key.
/// </remarks>
internal static class CacheTracing
{
    public const string GetSpan = "aspirecache.get";
    public const string ServePeerSpan = "aspirecache.peer.serve";
    public const string PeerFetchSpan = "aspirecache.peer.fetch";
    public const string LoadSpan = "aspirecache.load";
    public const string RefreshSpan = "aspirecache.refresh";
    public const string HandOffSpan = "aspirecache.hand_off";
    public const string RemoveSpan = "aspirecache.remove";
    public const string WriteSpan = "aspirecache.write";
    public const string ClearSpan = "aspirecache.clear";
    public const string StaleTag = "aspirecache.stale";

    public const string KeyHashTag = "aspirecache.key.hash";
    public const string KeyTag = "aspirecache.key";
    public const string OwnerTag = "aspirecache.owner";
    public const string PeerTag = "aspirecache.peer";

    public static readonly ActivitySource Source = new(AspireCacheDiagnostics.ActivitySourceName);

    /// <summary>Starts a span about one key of a group, or returns null when nobody traces.</summary>
    public static Activity? Start(string name, CacheGroup group, string key)
    {
        Activity? activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(CacheMetrics.GroupTag, group.Name);
            if (group.TelemetryKeyHash is { } hash)
            {
                activity.SetTag(KeyHashTag, hash.Of(key));
            }

            if (group.RecordKeys)
            {
                activity.SetTag(KeyTag, key);
            }
        }

        return activity;
    }

    /// <summary>Records how a get or a peer request was served; a hit span is started and ended here.</summary>
    public static void Served(Activity? activity, CacheSource source, string? owner)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(CacheMetrics.ResultTag, CacheSourceNames.NameOf(source));
        if (owner is not null)
        {
            activity.SetTag(OwnerTag, owner);
        }
    }

    /// <summary>Links a caller that joined a flight to the span of the caller that started it.</summary>
    public static void Joined(Activity? activity, ActivityContext leader)
    {
        if (activity is not null && leader != default)
        {
            activity.AddLink(new ActivityLink(leader));
        }
    }

    /// <summary>Marks a get or peer request answered with an expired value because its reload failed.</summary>
    public static void Stale(Activity? activity) => activity?.SetTag(StaleTag, true);

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
