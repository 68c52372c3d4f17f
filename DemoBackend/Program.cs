using AspireCache;
using DemoBackend;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

// A deliberately slow data source for the cache: deterministic values after a delay, plus failures on demand.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.AddOptions<DemoBackendOptions>()
    .BindConfiguration(DemoBackendOptions.SectionName)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddSingleton<CallStats>();

WebApplication app = builder.Build();
app.MapDefaultEndpoints();

// The key is read from the raw path (see CacheKeyPath), so that an escaped '/' or '%' in a key survives.
app.MapGet("/data/{**key}", async (HttpContext context, IOptionsMonitor<DemoBackendOptions> options, CallStats stats, CancellationToken cancellationToken) =>
{
    // Whatever routing matched as the first segment (/data, /DATA, /d%61ta), the key is what follows it.
    string rawPath = context.Features.Get<IHttpRequestFeature>()!.RawTarget.Split('?')[0];
    int keyStart = rawPath.IndexOf('/', 1);
    if (keyStart < 0 || !CacheKeyPath.TryDecode(rawPath.AsSpan(keyStart + 1), out string? key) || key.Length == 0)
    {
        return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid key", detail: "The key must be a non-empty, percent-encoded UTF-8 path segment.");
    }

    stats.Count(key, System.Diagnostics.Activity.Current?.TraceId.ToHexString());
    DemoBackendOptions current = options.CurrentValue;
    await Task.Delay(key.StartsWith("slow-", StringComparison.Ordinal) ? current.SlowDelay : current.Delay, cancellationToken);

    if (key.StartsWith("missing-", StringComparison.Ordinal))
    {
        return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such key", detail: "The demo backend has no value for keys starting with 'missing-'.");
    }

    if (key.StartsWith("error-", StringComparison.Ordinal) || Random.Shared.NextDouble() < current.ErrorRate)
    {
        return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Backend failure", detail: $"The demo backend failed for this key on purpose.");
    }

    return Results.Bytes(DemoValues.For(key, current.ValueBytes), "application/octet-stream");
});

app.MapGet("/stats", (CallStats stats) => stats.Read());
app.MapPost("/stats/reset", (CallStats stats) =>
{
    stats.Reset();
    return Results.NoContent();
});

app.Run();
