// Reads keys of a cache group at a steady rate with Zipf-skewed popularity, so that the dashboards have
// something to show. It waits to be told: POST /start (or the dashboard's "Start load"), POST /stop.
using System.Text.Json;
using System.Text.Json.Serialization;
using AspireCache.Client;
using LoadGenerator;
using Microsoft.Extensions.DependencyInjection.Extensions;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(
    meters: [LoadMetrics.MeterName, CacheClientDiagnostics.MeterName],
    activitySources: [CacheClientDiagnostics.ActivitySourceName]);

builder.Services.AddOptions<LoadGeneratorOptions>()
    .BindConfiguration(LoadGeneratorOptions.SectionName)
    .ValidateDataAnnotations()
    .Validate(o => o.RequestTimeout > TimeSpan.Zero, "LoadGenerator:RequestTimeout must be positive.")
    .ValidateOnStart();

string connection = builder.Configuration[$"{LoadGeneratorOptions.SectionName}:{nameof(LoadGeneratorOptions.Connection)}"] ?? "cache";
builder.AddKeyedCacheClient(connection);

// A retry would hide a failed read and add load the rate did not ask for.
TimeSpan requestTimeout = builder.Configuration.GetValue($"{LoadGeneratorOptions.SectionName}:{nameof(LoadGeneratorOptions.RequestTimeout)}", TimeSpan.FromSeconds(30));
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it undoes the service defaults' handler.
builder.Services.AddHttpClient(NodeSpreadTarget.HttpClientName)
    .RemoveAllResilienceHandlers()
    .ConfigureHttpClient(http => http.Timeout = requestTimeout > TimeSpan.Zero ? requestTimeout : Timeout.InfiniteTimeSpan);
#pragma warning restore EXTEXP0001

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton<LoadMetrics>();
builder.Services.AddSingleton<LoadRunner>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));

WebApplication app = builder.Build();
app.MapDefaultEndpoints();
app.MapLoadEndpoints();
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
