using System.Globalization;

namespace AspireCache.AspNetCore;

/// <summary>
/// The status exchange between nodes, on the peer API: a node asks each peer what changes it missed
/// (<see cref="MissedChanges"/>), clears those groups, and acknowledges. The prober runs it every
/// ProbeInterval, so it is also the peer's health probe.
/// </summary>
/// <remarks>
/// <para>
/// <c>GET /_peer-admin/status</c> and <c>POST /_peer-admin/status/ack</c>, both with the peer secret and
/// the asking member's name in <see cref="MemberHeader"/>. Both answer a JSON object of the groups the
/// member still owes a clear, each with the number of the last change missed: <c>{}</c> when none.
/// The acknowledgement's body is the object the member cleared, at most <see cref="PeerProtocol.MaxStatusBytes"/>.
/// </para>
/// <para>
/// Only members are answered. A name that is not one of this node's members (a node that has left, or a
/// DNS joiner that this node does not list yet) gets 409 (<see cref="PeerProtocol.NotAMemberProblem"/>):
/// this node passes it no changes, so a "nothing owed" would let it trust memory that may be out of date,
/// and its name is never kept in a table. The asker counts the 409 neither as a failed probe nor as a
/// renewal of its lease. An asker of a protocol older than <see cref="PeerProtocol.NotAMemberVersion"/>
/// would eject this node for it, so it gets <c>{}</c> as before (without its name being kept).
/// </para>
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
            if (await MemberAsync(context) is not { } member)
            {
                return;
            }

            Dictionary<string, long> cleared;
            try
            {
                cleared = await BoundedBody.ReadJsonAsync<Dictionary<string, long>>(context.Request, PeerProtocol.MaxStatusBytes, "An acknowledgement", context.RequestAborted);
            }
            catch (BodyTooLargeException ex)
            {
                await Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Acknowledgement too large", ex.Message);
                return;
            }
            catch (InvalidDataException ex)
            {
                await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad acknowledgement", ex.Message);
                return;
            }

            Missed(context).Acknowledge(member, cleared);
            await context.Response.WriteAsJsonAsync(Missed(context).OwedBy(member), context.RequestAborted);
        });
        return app;
    }

    private static MissedChanges Missed(HttpContext context) => context.RequestServices.GetRequiredService<MissedChanges>();

    // The asking member's name, once the request has the peer secret and names a member; null when the answer was written.
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

        if (context.RequestServices.GetRequiredService<Membership>().Has(member))
        {
            return member;
        }

        context.RequestServices.GetRequiredService<NonMemberStatusLog>().Asked(member, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (AskerVersion(context.Request) < PeerProtocol.NotAMemberVersion)
        {
            await context.Response.WriteAsJsonAsync(new Dictionary<string, long>(), context.RequestAborted);
            return null;
        }

        await Problems.WriteAsync(
            context,
            StatusCodes.Status409Conflict,
            "Not a member",
            $"'{member}' is not one of this node's members: it is told no changes, so its status is not answered until it is.",
            PeerProtocol.NotAMemberProblem);
        return null;
    }

    // A node of version 1 sent no version.
    private static int AskerVersion(HttpRequest request) =>
        int.TryParse(request.Headers[PeerProtocol.VersionHeader], NumberStyles.None, CultureInfo.InvariantCulture, out int version) ? version : 1;
}
