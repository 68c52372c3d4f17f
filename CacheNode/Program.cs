using AspireCache;
using AspireCache.Node;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(meters: [AspireCacheDiagnostics.MeterName], activitySources: [AspireCacheDiagnostics.ActivitySourceName]);
builder.AddCacheNode();

WebApplication app = builder.Build();
app.MapDefaultEndpoints();
app.MapCacheEndpoints();
app.Run();

/// <summary>The entry point, visible to the integration tests.</summary>
public partial class Program;
