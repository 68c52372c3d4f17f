using AspireCache;
using AspireCache.Node;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(meters: [AspireCacheDiagnostics.MeterName], activitySources: [AspireCacheDiagnostics.ActivitySourceName]);
builder.AddCacheNode();

WebApplication app = builder.Build();

// Built now rather than at the first request: the groups' metrics exist (at zero) from the first
// scrape, so Prometheus sees every counter start, and bad settings fail the start, not a request.
app.Services.GetRequiredService<LocalNode>();
// Errors that routing and Kestrel answer on their own (404, 405) come as problem+json too.
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapCacheEndpoints();
app.MapPeerStatusEndpoints();
PeerFaults.Map(app);
app.Run();

/// <summary>The entry point, visible to the integration tests.</summary>
public partial class Program;
