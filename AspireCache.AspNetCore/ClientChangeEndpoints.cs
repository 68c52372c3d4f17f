using AspireCache.Client;

namespace AspireCache.AspNetCore;

/// <summary>
/// The client write API: <c>PUT</c> and <c>DELETE /cache/{group}/{key}</c> and <c>POST /_admin/groups/{group}/clear</c>,
/// behind the admin secret. Each is passed to every member of this node's ring, and answers 204 only when
/// all of them acknowledged it; otherwise 503 naming those that did not.
/// </summary>
/// <remarks>
/// Every path under <c>/cache/{group}/</c> is a key, so a group is cleared on a route of its own, and an
/// empty key (<c>DELETE /cache/demo/</c> or <c>/cache/demo</c>) is a 400 that changes nothing.
/// </remarks>
internal static class ClientChangeEndpoints
{
    public static IEndpointRouteBuilder MapClientChangeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/cache/{group}", WriteAsync);
        app.MapPut("/cache/{group}/{**key}", WriteAsync);
        app.MapDelete("/cache/{group}", RemoveAsync);
        app.MapDelete("/cache/{group}/{**key}", RemoveAsync);
        app.MapPost("/_admin/groups/{group}/clear", ClearAsync);
        return app;
    }

    private static async Task WriteAsync(HttpContext context)
    {
        if (!await RequestGuards.AuthorizeAdminAsync(context))
        {
            return;
        }

        (CacheGroup? group, string key) = await RequestTarget.ResolveAsync(context, context.RequestServices.GetRequiredService<LocalNode>());
        if (group is null)
        {
            return;
        }

        if (!RequestLifetime.TryRead(context.Request, out TimeSpan? timeToLive))
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid Cache-Control", "The request's Cache-Control does not parse; give the value's lifetime as Cache-Control: max-age=<seconds>.");
            return;
        }

        await ApplyAsync(context, group, key, async (g, k, ct) =>
        {
            // The key first: a bad key is refused before its body is read.
            g.ValidateKey(k);
            byte[] value = await BoundedBody.ReadAsync(context.Request, g.MaxValueBytes, g.Name, ct);
            await g.WriteAsync(k, value, timeToLive);
        });
    }

    private static async Task RemoveAsync(HttpContext context)
    {
        if (!await RequestGuards.AuthorizeAdminAsync(context))
        {
            return;
        }

        (CacheGroup? group, string key) = await RequestTarget.ResolveAsync(context, context.RequestServices.GetRequiredService<LocalNode>());
        if (group is not null)
        {
            await ApplyAsync(context, group, key, static (g, k, _) => new ValueTask(g.RemoveAsync(k)));
        }
    }

    private static async Task ClearAsync(HttpContext context, string group)
    {
        if (!await RequestGuards.AuthorizeAdminAsync(context))
        {
            return;
        }

        CacheGroup? known = await RequestTarget.GroupAsync(context, context.RequestServices.GetRequiredService<LocalNode>(), group);
        if (known is not null)
        {
            await ApplyAsync(context, known, string.Empty, static (g, _, _) => new ValueTask(g.ClearAsync()));
        }
    }

    private static async Task ApplyAsync(HttpContext context, CacheGroup group, string key, Func<CacheGroup, string, CancellationToken, ValueTask> change)
    {
        try
        {
            await change(group, key, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (InvalidCacheKeyException ex)
        {
            await Problems.InvalidKeyAsync(context, ex.Message);
        }
        catch (Exception ex) when (ex is CacheValueTooLargeException || ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            await Problems.WriteAsync(
                context,
                StatusCodes.Status413PayloadTooLarge,
                "Value too large",
                $"The value is larger than group '{group.Name}''s MaxValueBytes, {group.MaxValueBytes}; nothing was written.",
                CacheHttpProtocol.ValueTooLargeProblem);
        }
        catch (CacheInvalidationException ex)
        {
            // Worth retrying soon: the members named have cleared the group, or will before they serve.
            context.Response.Headers.RetryAfter = "1";
            await Problems.WriteAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                "Not acknowledged by every member",
                $"{string.Join(", ", ex.Members)} did not acknowledge the change; every other member has it. Those named clear this group before they serve from memory again. If the key's owner is among them, a write was not stored: retry it.",
                CacheHttpProtocol.NotAcknowledgedProblem,
                new Dictionary<string, object?> { ["members"] = ex.Members });
        }
        catch (CacheInternalErrorException ex)
        {
            // A bug of this node, already logged with its stack where it happened: not the members' failure.
            await Problems.WriteAsync(
                context,
                StatusCodes.Status500InternalServerError,
                "Internal error",
                ex.Message,
                CacheHttpProtocol.InternalErrorProblem,
                new Dictionary<string, object?> { ["members"] = ex.Members });
        }
    }
}
