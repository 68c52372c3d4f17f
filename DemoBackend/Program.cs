using DemoBackend;
using Microsoft.Extensions.Options;

// A deliberately slow data source for the cache: deterministic values after a delay, plus failures on
// demand, values changed on demand (PUT /data/{key}) and lifetimes by key (ttl<N>- keys).
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddProblemDetails();
builder.Services.AddOptions<DemoBackendOptions>()
    .BindConfiguration(DemoBackendOptions.SectionName)
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddSingleton(services => new CallStats(services.GetRequiredService<IOptions<DemoBackendOptions>>().Value.TrackedKeys));
builder.Services.AddSingleton(services => new ValueOverrides(services.GetRequiredService<IOptions<DemoBackendOptions>>().Value.MaxOverrideBytes));
builder.Services.AddSingleton<SourceFaults>();

WebApplication app = builder.Build();
app.MapDefaultEndpoints();

app.MapGet("/data/{**key}", async (HttpContext context, IOptionsMonitor<DemoBackendOptions> options, CallStats stats, ValueOverrides overrides, SourceFaults faults, CancellationToken cancellationToken) =>
{
    if (!DataKey.TryRead(context, out string? key))
    {
        return InvalidKey();
    }

    stats.Count(key, System.Diagnostics.Activity.Current?.TraceId.ToHexString());
    DemoBackendOptions current = options.CurrentValue;
    await Task.Delay(key.StartsWith("slow-", StringComparison.Ordinal) ? current.SlowDelay : current.Delay, cancellationToken);

    if (faults.FailAll)
    {
        return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Backend failure", detail: "The demo backend fails every key on purpose (POST /faults/fail-all).");
    }

    if (key.StartsWith("missing-", StringComparison.Ordinal))
    {
        return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such key", detail: "The demo backend has no value for keys starting with 'missing-'.");
    }

    if (key.StartsWith("error-", StringComparison.Ordinal) || Random.Shared.NextDouble() < current.ErrorRate)
    {
        return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Backend failure", detail: $"The demo backend failed for this key on purpose.");
    }

    if (DataKey.TryGetMaxAge(key, out int seconds))
    {
        context.Response.Headers.CacheControl = $"max-age={seconds}";
    }

    return Results.Bytes(overrides.TryGet(key, out byte[] changed) ? changed : DemoValues.For(key, current.ValueBytes), "application/octet-stream");
});

// The data changes at the source: the key answers this body until DELETE drops it. Not counted in /stats.
app.MapPut("/data/{**key}", async (HttpContext context, ValueOverrides overrides, CancellationToken cancellationToken) =>
{
    if (!DataKey.TryRead(context, out string? key))
    {
        return InvalidKey();
    }

    if (context.Request.ContentLength > ValueOverrides.MaxValueBytes)
    {
        return TooLarge();
    }

    using var body = new MemoryStream();
    byte[] buffer = new byte[16 * 1024];
    int read;
    while ((read = await context.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
    {
        if (body.Length + read > ValueOverrides.MaxValueBytes)
        {
            return TooLarge();
        }

        body.Write(buffer, 0, read);
    }

    return overrides.TrySet(key, body.ToArray())
        ? Results.NoContent()
        : Results.Problem(
            statusCode: StatusCodes.Status507InsufficientStorage,
            title: "Too many overrides",
            detail: $"The demo backend keeps at most {ValueOverrides.MaxKeys} changed keys holding {overrides.MaxTotalBytes} bytes in all (DemoBackend:MaxOverrideBytes); DELETE some first.");
});

app.MapDelete("/data/{**key}", (HttpContext context, ValueOverrides overrides) =>
    DataKey.TryRead(context, out string? key) ? (overrides.Remove(key) ? Results.NoContent() : Results.NotFound()) : InvalidKey());

app.MapPost("/faults/fail-all", (SourceFaults faults) =>
{
    faults.FailAll = true;
    return Results.NoContent();
});
app.MapDelete("/faults/fail-all", (SourceFaults faults) =>
{
    faults.FailAll = false;
    return Results.NoContent();
});

app.MapGet("/stats", (CallStats stats) => stats.Read());
app.MapPost("/stats/reset", (CallStats stats) =>
{
    stats.Reset();
    return Results.NoContent();
});

app.Run();

static IResult InvalidKey() =>
    Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid key", detail: "The key must be a non-empty, percent-encoded UTF-8 path segment.");

static IResult TooLarge() =>
    Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Value too large", detail: $"An override holds at most {ValueOverrides.MaxValueBytes} bytes.");
