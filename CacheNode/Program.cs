// The ready-made cache node: an ASP.NET Core application that is nothing but AspireCache.
using AspireCache;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(meters: [AspireCacheDiagnostics.MeterName], activitySources: [AspireCacheDiagnostics.ActivitySourceName]);
builder.Services.AddAspireCache();

WebApplication app = builder.Build();

// Errors that routing and Kestrel answer on their own (404, 405) come as problem+json too.
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapAspireCache();
app.Run();

/// <summary>The entry point, visible to the integration tests.</summary>
public partial class Program;
