using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>The setup every AspireCache service shares: telemetry, health checks, service discovery and HTTP resilience.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The path of the readiness check: every registered health check must pass.</summary>
    public const string HealthPath = "/health";

    /// <summary>The path of the liveness check: only the checks tagged "live" (the process answers).</summary>
    public const string AlivePath = "/alive";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    private const string LiveTag = "live";

    /// <summary>Adds OpenTelemetry, the default health checks, service discovery and resilient HTTP clients.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="meters">Extra meters to export, besides ASP.NET Core's, HttpClient's and the runtime's.</param>
    /// <param name="activitySources">Extra activity sources to trace.</param>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string[]? meters = null, string[]? activitySources = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry(meters ?? [], activitySources ?? []);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Retries, timeouts and a circuit breaker for ordinary outgoing calls. Clients whose
            // failures are handled by the caller (the cache's peer and loader clients) remove it.
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Maps <c>/health</c> (ready), <c>/alive</c> (live) and <c>/metrics</c> (Prometheus scraping).</summary>
    /// <remarks>
    /// Mapped in every environment: the orchestrator waits on the health checks, Prometheus scrapes the
    /// metrics, and a service started without a launch profile runs as Production. Health reports status
    /// only; metrics carry no keys and no secrets. Expose neither beyond the cluster's network.
    /// </remarks>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    private static void ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, string[] meters, string[] activitySources)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(meters)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(activitySources)
                .AddAspNetCoreInstrumentation(aspNetCore =>
                {
                    // Probes and scrapes would drown the traces people look for.
                    aspNetCore.Filter = context => !IsInfrastructurePath(context.Request.Path);

                    // Paths carry cache keys, which can be personal data: spans keep the route instead
                    // (known once routing has run, so at the response).
                    aspNetCore.EnrichWithHttpResponse = (activity, response) =>
                        activity.SetTag("url.path", (response.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unrouted)");
                })
                .AddHttpClientInstrumentation(httpClient =>
                {
                    httpClient.FilterHttpRequestMessage = request => request.RequestUri is null || !IsInfrastructurePath(request.RequestUri.AbsolutePath);
                    httpClient.EnrichWithHttpRequestMessage = (activity, request) =>
                        activity.SetTag("url.full", request.RequestUri is { } uri ? $"{uri.Scheme}://{uri.Authority}/(path redacted)" : null);
                }));

        // The OTLP exporter is added only where the orchestrator (or the operator) names a collector.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
    }

    private static bool IsInfrastructurePath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath) || path.StartsWithSegments(MetricsPath);
}
