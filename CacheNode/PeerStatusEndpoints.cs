namespace AspireCache.Node;

/// <summary>
/// The status exchange between nodes, on the peer API: a node asks each peer what changes it missed
/// (<see cref="MissedChanges"/>), clears those groups, and acknowledges. The prober runs it every
/// ProbeInterval, so it is also the peer's health probe.
/// </summary>
/// <remarks>
/// <c>GET /_peer-admin/status</c> and <c>POST /_peer-admin/status/ack</c>, both with the peer secret and
/// the asking member's name in <see cref="MemberHeader"/>. Both answer a JSON object of the groups the
/// member still owes a clear, each with the number of the last change it missed: <c>{}</c> when none.
/// The acknowledgement's body is the object the member cleared.
/// </remarks>
internal static class PeerStatusEndpoints
{
    /// <summary>The asking member's name.</summary>
    public const string MemberHeader = "X-Cache-Member";

    public const string StatusPath = "/_peer-admin/status";

    public const string AcknowledgePath = "/_peer-admin/status/ack";

    public static WebApplication MapPeerStatusEndpoints(this WebApplication app)
    {
        app.MapGet(StatusPath, (HttpContext context, MissedChanges missed) =>
            Answer(context, member => missed.OwedBy(member)));
        app.MapPost(AcknowledgePath, async (HttpContext context, MissedChanges missed) =>
        {
            Dictionary<string, long>? cleared = await context.Request.ReadFromJsonAsync<Dictionary<string, long>>(context.RequestAborted);
            return Answer(context, member =>
            {
                missed.Acknowledge(member, cleared ?? []);
                return missed.OwedBy(member);
            });
        });
        return app;
    }

    private static IResult Answer(HttpContext context, Func<string, IReadOnlyDictionary<string, long>> owed)
    {
        SecretCheck check = context.RequestServices.GetRequiredService<NodeSecrets>().Peer.Check(context.Request);
        if (check != SecretCheck.Accepted)
        {
            context.RequestServices.GetRequiredService<SecretRefusalLog>().Refused("peer", check, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return check == SecretCheck.Missing
                ? Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Peer secret required", detail: "The peer API serves only the cluster's nodes; send the cluster's peer secret.")
                : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong peer secret", detail: "The peer secret does not match this cluster's.");
        }

        string? member = context.Request.Headers[MemberHeader];
        return string.IsNullOrEmpty(member)
            ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Member name required", detail: $"Send the asking member's name in {MemberHeader}.")
            : Results.Ok(owed(member));
    }
}
