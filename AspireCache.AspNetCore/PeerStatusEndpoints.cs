namespace AspireCache.AspNetCore;

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

    public static IEndpointRouteBuilder MapPeerStatusEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(StatusPath, async context =>
        {
            if (await MemberAsync(context) is { } member)
            {
                await context.Response.WriteAsJsonAsync(Missed(context).OwedBy(member), context.RequestAborted);
            }
        });
        app.MapPost(AcknowledgePath, async context =>
        {
            if (await MemberAsync(context) is { } member)
            {
                Dictionary<string, long> cleared = await context.Request.ReadFromJsonAsync<Dictionary<string, long>>(context.RequestAborted) ?? [];
                Missed(context).Acknowledge(member, cleared);
                await context.Response.WriteAsJsonAsync(Missed(context).OwedBy(member), context.RequestAborted);
            }
        });
        return app;
    }

    private static MissedChanges Missed(HttpContext context) => context.RequestServices.GetRequiredService<MissedChanges>();

    // The asking member's name, once the request has the peer secret; null when the refusal was written.
    private static async Task<string?> MemberAsync(HttpContext context)
    {
        if (!await RequestGuards.AuthorizePeerAsync(context))
        {
            return null;
        }

        // Every status answer says which protocol this node speaks, so that the asker knows what it may send.
        context.Response.Headers[PeerProtocol.VersionHeader] = PeerProtocol.VersionText;
        string? member = context.Request.Headers[MemberHeader];
        if (string.IsNullOrEmpty(member))
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Member name required", $"Send the asking member's name in {MemberHeader}.");
            return null;
        }

        return member;
    }
}
