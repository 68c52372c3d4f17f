namespace AspireCache.AspNetCore;

/// <summary>
/// Injected faults for failure tests: a delay before the peer API answers, and a refusal (503) of the
/// removals, writes and clears that peers pass on. Only mapped when
/// <c>Cache:Faults:Enabled</c> is true, which nothing sets outside the tests, and even then only the
/// peer secret opens them.
/// </summary>
internal sealed class PeerFaults
{
    private long _peerDelayTicks;
    private volatile bool _refuseChanges;

    public TimeSpan PeerDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _peerDelayTicks));
        set => Interlocked.Exchange(ref _peerDelayTicks, value.Ticks);
    }

    public bool RefuseChanges
    {
        get => _refuseChanges;
        set => _refuseChanges = value;
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<bool>($"{CacheSettingNames.Section}:{CacheSettingNames.FaultsEnabled}"))
        {
            return;
        }

        // Even switched on, faults are for the cluster's own operators: they take the peer secret.
        RouteGroupBuilder faults = app.MapGroup("/_faults").AddEndpointFilter(async (context, next) =>
            await RequestGuards.AuthorizePeerAsync(context.HttpContext) ? await next(context) : Results.Empty);

        // PUT /_faults/peer-delay?ms=5000 makes every peer request wait that long first; ms=0 ends it.
        faults.MapPut("/peer-delay", (int ms, PeerFaults faults) =>
        {
            faults.PeerDelay = TimeSpan.FromMilliseconds(Math.Clamp(ms, 0, 60_000));
            return Results.NoContent();
        });

        // PUT /_faults/refuse-peer-changes?on=true makes this node answer 503 to peers' removals, writes and clears.
        faults.MapPut("/refuse-peer-changes", (bool on, PeerFaults faults) =>
        {
            faults.RefuseChanges = on;
            return Results.NoContent();
        });
    }
}
