// The floor of bench/load: the cheapest answer an ASP.NET Core process can give to a cache read (one
// static value, no lookup), so that a node's rate reads as a fraction of what the host allows.
// Floor:Mode=bare leaves out the service defaults, to show what OpenTelemetry and /metrics cost.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
bool bare = string.Equals(builder.Configuration["Floor:Mode"], "bare", StringComparison.OrdinalIgnoreCase);
int valueBytes = builder.Configuration.GetValue("Floor:ValueBytes", 1024);
if (!bare)
{
    builder.AddServiceDefaults();
}

WebApplication app = builder.Build();
if (bare)
{
    // run.sh waits on /alive for every process; the service defaults map it otherwise.
    app.MapGet(ServiceDefaultsExtensions.AlivePath, () => "Healthy");
}
else
{
    app.MapDefaultEndpoints();
}

// Random bytes from a fixed seed: the same size as a cached value, and not compressible by accident.
byte[] value = new byte[valueBytes];
new Random(1).NextBytes(value);

// Written the way the node writes a hit, headers included, so that the two differ only in what
// precedes the write. The owner header also lets run.sh's loader, which records owners, load it.
app.MapGet("/cache/demo/{**key}", async context =>
{
    HttpResponse response = context.Response;
    response.ContentType = "application/octet-stream";
    response.ContentLength = value.Length;
    response.Headers["X-Cache-Result"] = "hit";
    response.Headers["X-Cache-Owner"] = "floor";
    await response.BodyWriter.WriteAsync(value, context.RequestAborted);
});

app.Run();
