namespace LoadGenerator;

/// <summary>
/// The HTTP API that starts and stops the load: <c>POST /start?rate=&amp;keys=&amp;skew=&amp;route=</c>,
/// <c>POST /stop</c> and <c>GET /status</c>, each answering the status. The AppHost's dashboard commands call them.
/// </summary>
internal static class TrafficEndpoints
{
    public static void MapTrafficEndpoints(this WebApplication app)
    {
        app.MapPost("/start", async (TrafficRunner runner, string? rate, string? keys, string? skew, string? route) =>
        {
            (TrafficSettings? settings, Dictionary<string, string[]> errors) = TrafficSettings.Parse(runner.Defaults, rate, keys, skew, route);
            return settings is null
                ? Results.ValidationProblem(errors, title: "The load was not started: a parameter is out of range.")
                : Results.Ok(await runner.StartAsync(settings));
        });

        app.MapPost("/stop", async (TrafficRunner runner) => Results.Ok(await runner.StopAsync()));
        app.MapGet("/status", (TrafficRunner runner) => Results.Ok(runner.Status()));
    }
}
