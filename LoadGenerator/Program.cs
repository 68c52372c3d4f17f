// Reads keys of a cache group at a steady rate with Zipf-skewed popularity, so that the dashboards have
// something to show. It waits to be told: POST /start (or the dashboard's "Start load"), POST /stop.
using System.Text.Json;
using System.Text.Json.Serialization;
using AspireCache.Client;
using LoadGenerator;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(
    meters: [TrafficMetrics.MeterName, CacheClientDiagnostics.MeterName],
    activitySources: [CacheClientDiagnostics.ActivitySourceName]);

builder.Services.AddOptions<LoadGeneratorOptions>()
    .BindConfiguration(LoadGeneratorOptions.SectionName)
    .ValidateDataAnnotations()
    .Validate(o => o.RequestTimeout > TimeSpan.Zero, "LoadGenerator:RequestTimeout must be positive.")
    .ValidateOnStart();

// The client is registered before the options exist, so its connection name is read here; the same
// key, with the same default, as LoadGeneratorOptions.Connection. The client validates its members at start.
builder.AddKeyedCacheClient(builder.Configuration[$"{LoadGeneratorOptions.SectionName}:{nameof(LoadGeneratorOptions.Connection)}"] ?? "cache");

// A retry would hide a failed read and add load the rate did not ask for.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it undoes the service defaults' handler.
builder.Services.AddHttpClient(NodeSpreadTarget.HttpClientName)
    .RemoveAllResilienceHandlers()
    .ConfigureHttpClient((services, http) => http.Timeout = services.GetRequiredService<IOptions<LoadGeneratorOptions>>().Value.RequestTimeout);
#pragma warning restore EXTEXP0001

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton<TrafficMetrics>();
builder.Services.AddSingleton<TrafficRunner>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));

WebApplication app = builder.Build();
app.MapDefaultEndpoints();
app.MapTrafficEndpoints();
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
