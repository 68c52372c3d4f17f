using AlertReceiver;

// Alertmanager's webhook receiver for the AppHost: every notification it posts (a group of alerts, firing
// or resolved) becomes one log line per alert, which the Aspire dashboard shows as this resource's console
// and structured logs, and the AppHost echoes on its own console. It keeps nothing and forwards nothing.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

WebApplication app = builder.Build();
app.MapDefaultEndpoints();

ILogger alerts = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(AlertLog.Category);
app.MapPost(AlertLog.NotificationsPath, (AlertmanagerNotification notification) =>
{
    foreach (NotifiedAlert alert in notification.Alerts)
    {
        AlertLog.Write(alerts, alert);
    }

    return Results.NoContent();
});

app.Run();
