using Microsoft.AspNetCore.Http.Features;

namespace AspireCache.AspNetCore;

/// <summary>The group and key that a <c>/cache/…</c> or <c>/_peer/…</c> request names, or its 400 or 404 written.</summary>
internal static class RequestTarget
{
    /// <summary>The group and key; a null group when the request was answered with a problem.</summary>
    /// <remarks>The key is only decoded here, not validated: an empty key is the group's to refuse.</remarks>
    public static async ValueTask<(CacheGroup? Group, string Key)> ResolveAsync(HttpContext context, LocalNode node)
    {
        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
        if (!CacheRequestPath.TryParse(rawTarget, out CacheRequestPath path, out string error))
        {
            await Problems.InvalidKeyAsync(context, error);
            return (null, string.Empty);
        }

        if (!node.Groups.TryGetValue(path.Group, out CacheGroup? group))
        {
            await Problems.UnknownGroupAsync(context, path.Group);
            return (null, string.Empty);
        }

        return (group, path.Key);
    }

    /// <summary>The group named by a route's <c>{group}</c>, or null with the 404 written.</summary>
    public static async ValueTask<CacheGroup?> GroupAsync(HttpContext context, LocalNode node, string name)
    {
        if (node.Groups.TryGetValue(name, out CacheGroup? group))
        {
            return group;
        }

        await Problems.UnknownGroupAsync(context, name);
        return null;
    }
}
