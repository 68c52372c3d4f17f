using AspireCache.Client;
using Microsoft.Extensions.ServiceDiscovery;

namespace AspireCache.AspNetCore;

/// <summary>
/// The node's HTTP API: gets on <c>/cache</c> for clients and <c>/_peer</c> for other nodes, <c>/cluster</c>
/// for people; removals, writes and clears in <see cref="ClientChangeEndpoints"/> and <see cref="PeerChangeEndpoints"/>.
/// </summary>
internal static class CacheEndpoints
{
    public static IEndpointRouteBuilder MapCacheEndpoints(this IEndpointRouteBuilder app)
    {
        // The catch-all also matches an empty key, which the handler rejects with a clear 400.
        app.MapGet("/cache/{group}", context => ServeAsync(context, forPeer: false));
        app.MapGet("/cache/{group}/{**key}", context => ServeAsync(context, forPeer: false));
        app.MapGet("/_peer/{group}", context => ServeAsync(context, forPeer: true));
        app.MapGet("/_peer/{group}/{**key}", context => ServeAsync(context, forPeer: true));
        app.MapGet("/cluster", DescribeClusterAsync);
        app.MapGet("/hotkeys", (LocalNode node) => HotKeysView.Of(node));
        app.MapClientChangeEndpoints();
        app.MapPeerChangeEndpoints();
        return app;
    }

    private static async Task ServeAsync(HttpContext context, bool forPeer)
    {
        if (forPeer)
        {
            if (!await RequestGuards.AuthorizePeerAsync(context))
            {
                return;
            }

            TimeSpan injected = context.RequestServices.GetRequiredService<PeerFaults>().PeerDelay;
            if (injected > TimeSpan.Zero)
            {
                await Task.Delay(injected, context.RequestAborted);
            }
        }

        LocalNode node = context.RequestServices.GetRequiredService<LocalNode>();
        (CacheGroup? group, string key) = await RequestTarget.ResolveAsync(context, node);
        if (group is null)
        {
            return;
        }

        // A node that has not heard "nothing owed" from every peer within its lease may have missed a change.
        node.Lease.EnsureValid();
        if (forPeer && context.Request.Headers.ContainsKey(PeerProtocol.HandOffHeader))
        {
            await ServeHandOffAsync(context, group, key);
            return;
        }

        CacheResult result;
        try
        {
            ValueTask<CacheResult> get = forPeer ? group.ServePeerAsync(key, context.RequestAborted) : group.GetAsync(key, context.RequestAborted);
            if (forPeer && !get.IsCompleted)
            {
                // A load: the headers go out now, to show the asking node that this node is alive and
                // working on the key however long the source takes; the outcome follows in the body.
                await AnswerDeferredAsync(context, get.AsTask());
                return;
            }

            result = await get;
        }
        catch (InvalidCacheKeyException ex)
        {
            await Problems.InvalidKeyAsync(context, ex.Message);
            return;
        }
        catch (CacheKeyNotFoundException ex)
        {
            // The source's own answer: marked for an asking peer as the source's, as failures are.
            context.Response.Headers[CacheHttpProtocol.SourceErrorHeader] = "1";
            await Problems.WriteAsync(context, StatusCodes.Status404NotFound, "No such key", ex.Message, CacheHttpProtocol.NoSuchKeyProblem);
            return;
        }
        catch (CacheSourceException ex)
        {
            // Marked so that an asking peer passes the failure on instead of loading the key again.
            context.Response.Headers[CacheHttpProtocol.SourceErrorHeader] = "1";
            await Problems.WriteAsync(
                context,
                ex.IsTimeout ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
                ex.IsTimeout ? "Data source timeout" : "Data source failure",
                ex.Message);
            return;
        }

        HttpResponse response = context.Response;
        response.ContentType = "application/octet-stream";
        response.ContentLength = result.Value.Length;
        response.Headers[CacheHttpProtocol.ResultHeader] = CacheSourceNames.NameOf(result.Source);
        response.Headers[CacheHttpProtocol.OwnerHeader] = node.Picker.OwnerOf(key);
        if (result.TimeToLive is not null || result.IsStale)
        {
            if (forPeer)
            {
                PeerFreshness.WriteHeaders(response.Headers, result);
            }
            else
            {
                ClientFreshness.WriteHeaders(response.Headers, result);
            }
        }

        await response.BodyWriter.WriteAsync(result.Value, context.RequestAborted);
    }

    // The store's value or 204, at once: a hand-off never loads, so nothing here waits for a source.
    private static async Task ServeHandOffAsync(HttpContext context, CacheGroup group, string key)
    {
        CacheResult? held;
        try
        {
            held = group.ServeHandOff(key);
        }
        catch (InvalidCacheKeyException ex)
        {
            await Problems.InvalidKeyAsync(context, ex.Message);
            return;
        }

        // Echoed, so that the asking node knows that this was read as a hand-off, not as a get that loads.
        HttpResponse response = context.Response;
        response.Headers[PeerProtocol.HandOffHeader] = "1";
        if (held is not { } result)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        response.ContentType = "application/octet-stream";
        response.ContentLength = result.Value.Length;
        PeerFreshness.WriteHeaders(response.Headers, result);
        await response.BodyWriter.WriteAsync(result.Value, context.RequestAborted);
    }

    private static async Task AnswerDeferredAsync(HttpContext context, Task<CacheResult> load)
    {
        HttpResponse response = context.Response;
        response.ContentType = "application/octet-stream";
        response.Headers[PeerProtocol.DeferredHeader] = "1";
        await response.StartAsync(context.RequestAborted);
        await response.BodyWriter.FlushAsync(context.RequestAborted);
        await PeerAnswer.WriteAsync(response, load, context.RequestAborted);
    }

    // Each member with the address this node resolves for it, so that operators (and a test) can check
    // that every name reaches the node of that name.
    private static async Task<ClusterView> DescribeClusterAsync(LocalNode node, Membership membership, ServiceEndpointResolver resolver, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, MemberStatus> peers = node.Health.Snapshot();
        Dictionary<string, HttpCachePeer> known = node.Peers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var members = new List<MemberView>();
        foreach (string member in peers.Keys.Append(node.Name).Order(StringComparer.Ordinal))
        {
            HttpCachePeer? peer = known.GetValueOrDefault(member);
            Uri address = peer?.Address ?? (member == node.Name ? node.SelfAddress : null) ?? StaticMembershipSource.Of(member).Address;
            ServiceEndpointSource endpoints = await resolver.GetEndpointsAsync(address.ToString(), cancellationToken);
            string[] addresses = [.. endpoints.Endpoints.Select(e => e.EndPoint is UriEndPoint uri ? uri.Uri.ToString() : e.EndPoint.ToString()!)];
            MemberStatus? status = peers.GetValueOrDefault(member);
            members.Add(new MemberView(
                member,
                addresses,
                member == node.Name ? "self" : status!.State.ToString().ToLowerInvariant(),
                status?.Since,
                status?.LastError,
                node.Picker.Ring.Members.Contains(member),
                peer?.ProtocolVersion ?? PeerProtocol.Version));
        }

        return new ClusterView(
            node.Name,
            node.Picker.Ring.PointsPerMember,
            members,
            [.. node.Groups.Values.Select(GroupView.Of)],
            MembershipView.Of(membership));
    }
}
