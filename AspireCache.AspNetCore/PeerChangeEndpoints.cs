using System.Globalization;
using AspireCache.Client;

namespace AspireCache.AspNetCore;

/// <summary>
/// Removals, writes and clears that another node passes on, behind the peer secret: each acts on this
/// node's memory only and answers 204, and is never passed on again.
/// </summary>
/// <remarks>
/// <c>DELETE /_peer/{group}/{key}</c> removes the key, <c>PUT /_peer/{group}/{key}</c> stores the body as the
/// key's owner (lifetime in <see cref="PeerProtocol.TtlHeader"/>, absent for the group's), and
/// <c>POST /_peer-admin/groups/{group}/clear?hotOnly=true|false</c> clears the group, on a path that no
/// key under <c>/_peer/</c> can take.
/// </remarks>
internal static class PeerChangeEndpoints
{
    public static IEndpointRouteBuilder MapPeerChangeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapDelete("/_peer/{group}", RemoveAsync);
        app.MapDelete("/_peer/{group}/{**key}", RemoveAsync);
        app.MapPut("/_peer/{group}", WriteAsync);
        app.MapPut("/_peer/{group}/{**key}", WriteAsync);
        app.MapPost("/_peer-admin/groups/{group}/clear", ClearAsync);
        return app;
    }

    private static async Task RemoveAsync(HttpContext context)
    {
        (CacheGroup? group, string key) = await AdmitAsync(context);
        if (group is not null)
        {
            await ApplyAsync(context, () =>
            {
                group.RemoveLocally(key);
                return Task.CompletedTask;
            });
        }
    }

    private static async Task WriteAsync(HttpContext context)
    {
        (CacheGroup? group, string key) = await AdmitAsync(context);
        if (group is null)
        {
            return;
        }

        TimeSpan? timeToLive = null;
        string? ttl = context.Request.Headers[PeerProtocol.TtlHeader];
        if (ttl is not null)
        {
            if (!long.TryParse(ttl, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) || ms > (long)TimeSpan.MaxValue.TotalMilliseconds)
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid lifetime", $"{PeerProtocol.TtlHeader} must be a whole, non-negative number of milliseconds.");
                return;
            }

            timeToLive = TimeSpan.FromMilliseconds(ms);
        }

        await ApplyAsync(context, async () =>
        {
            group.ValidateKey(key);
            byte[] value = await BoundedBody.ReadAsync(context.Request, group.MaxValueBytes, group.Name, context.RequestAborted);
            group.WriteLocally(key, value, timeToLive);
        });
    }

    private static async Task ClearAsync(HttpContext context, string group, bool? hotOnly)
    {
        if (!await RequestGuards.AuthorizePeerAsync(context) || await RefusedByFaultAsync(context))
        {
            return;
        }

        CacheGroup? known = await RequestTarget.GroupAsync(context, context.RequestServices.GetRequiredService<LocalNode>(), group);
        if (known is not null)
        {
            await ApplyAsync(context, () =>
            {
                known.ClearLocally(hotOnly ?? false);
                return Task.CompletedTask;
            });
        }
    }

    private static async ValueTask<(CacheGroup? Group, string Key)> AdmitAsync(HttpContext context)
    {
        if (!await RequestGuards.AuthorizePeerAsync(context) || await RefusedByFaultAsync(context))
        {
            return (null, string.Empty);
        }

        return await RequestTarget.ResolveAsync(context, context.RequestServices.GetRequiredService<LocalNode>());
    }

    // Failure tests make a node refuse changes, as one that is overloaded or half broken would.
    private static async ValueTask<bool> RefusedByFaultAsync(HttpContext context)
    {
        if (!context.RequestServices.GetRequiredService<PeerFaults>().RefuseChanges)
        {
            return false;
        }

        await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Changes refused", "This node refuses peer changes on purpose (fault injection).");
        return true;
    }

    private static async Task ApplyAsync(HttpContext context, Func<Task> change)
    {
        try
        {
            await change();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (InvalidCacheKeyException ex)
        {
            await Problems.InvalidKeyAsync(context, ex.Message);
        }
        catch (Exception ex) when (ex is CacheValueTooLargeException || ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Value too large", ex.Message, CacheHttpProtocol.ValueTooLargeProblem);
        }
    }
}
