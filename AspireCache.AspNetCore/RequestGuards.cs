namespace AspireCache.AspNetCore;

/// <summary>The secrets' checks in front of the peer API and the client write API; a refused request has its answer written.</summary>
internal static class RequestGuards
{
    public static async ValueTask<bool> AuthorizePeerAsync(HttpContext context)
    {
        SecretCheck check = context.RequestServices.GetRequiredService<NodeSecrets>().Peer.Check(context.Request);
        if (check == SecretCheck.Accepted)
        {
            context.RequestServices.GetRequiredService<Membership>().Check(context.Request, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return true;
        }

        Refused(context, "peer", check);
        await (check == SecretCheck.Missing
            ? Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Peer secret required", "The peer API serves only the cluster's nodes; send the cluster's peer secret.")
            : Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Wrong peer secret", "The peer secret does not match this cluster's."));
        return false;
    }

    public static async ValueTask<bool> AuthorizeAdminAsync(HttpContext context)
    {
        NodeSecrets secrets = context.RequestServices.GetRequiredService<NodeSecrets>();
        if (!secrets.Admin.IsSet)
        {
            await Problems.WriteAsync(
                context,
                StatusCodes.Status403Forbidden,
                "Writes disabled",
                "Writes, removals and clears are disabled on this node until Cache__AdminSecret is set.");
            return false;
        }

        SecretCheck check = secrets.CheckAdmin(context.Request);
        if (check == SecretCheck.Accepted)
        {
            return true;
        }

        Refused(context, "admin", check);
        await (check switch
        {
            SecretCheck.Missing => Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Admin secret required", "Writes, removals and clears need Authorization: Bearer <the cluster's admin secret>."),
            SecretCheck.PeerSecretOnClientApi => Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Peer secret refused", "The peer secret is for nodes only; writes, removals and clears need the admin secret."),
            _ => Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Wrong admin secret", "The admin secret does not match this cluster's."),
        });
        return false;
    }

    private static void Refused(HttpContext context, string api, SecretCheck check) =>
        context.RequestServices.GetRequiredService<SecretRefusalLog>().Refused(api, check, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
