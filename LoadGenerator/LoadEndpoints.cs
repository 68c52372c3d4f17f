namespace LoadGenerator;

/// <summary>
/// The HTTP API that starts and stops the load: <c>POST /start?rate=&amp;keys=&amp;skew=&amp;route=</c>,
/// <c>POST /stop</c> and <c>GET /status</c>, each answering the status. The AppHost's dashboard commands call them.
/// </summary>
internal static class LoadEndpoints
{
    public static void MapLoadEndpoints(this WebApplication app)
    {
        app.MapPost("/start", async (LoadRunner runner, string? rate, string? keys, string? skew, string? route) =>
        {
            (LoadSettings? settings, Dictionary<string, string[]> errors) = LoadSettings.Parse(runner.Defaults, rate, keys, skew, route);
            return settings is null
                ? Results.ValidationProblem(errors, title: "The load was not started: a parameter is out of range.")
                : Results.Ok(await runner.StartAsync(settings));
        });

        app.MapPost("/stop", async (LoadRunner runner) => Results.Ok(await runner.StopAsync()));
        app.MapGet("/status", (LoadRunner runner) => Results.Ok(runner.Status()));
    }
}
