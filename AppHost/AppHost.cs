// The AspireCache topology: a slow data source and a ring of cache nodes in front of it.
// Start it with `dotnet run --project AppHost`; `-- NodeCount=5` changes the number of nodes.
IDistributedApplicationBuilder builder = DistributedApplication.CreateBuilder(args);

int nodeCount = int.TryParse(builder.Configuration["NodeCount"], out int configured) ? configured : 3;

IResourceBuilder<ProjectResource> backend = builder.AddProject<Projects.DemoBackend>("demobackend")
    .WithHttpHealthCheck("/health");

// How long the backend's slow- keys take (default 30 s); tests set it to sit between the peer and load timeouts.
if (builder.Configuration["Demo:SlowDelay"] is { Length: > 0 } slowDelay)
{
    backend.WithEnvironment("DemoBackend__SlowDelay", slowDelay);
}

TimeSpan? loadTimeout = TimeSpan.TryParse(builder.Configuration["Demo:LoadTimeout"], System.Globalization.CultureInfo.InvariantCulture, out TimeSpan timeout)
    ? timeout
    : null;

// Values never expire unless Demo:TimeToLive is set (with Demo:RefreshAhead and Demo:StaleIfError, off by default).
GroupLifetimes? lifetimes = TimeSpan.TryParse(builder.Configuration["Demo:TimeToLive"], System.Globalization.CultureInfo.InvariantCulture, out TimeSpan timeToLive)
    ? new GroupLifetimes(
        timeToLive,
        double.TryParse(builder.Configuration["Demo:RefreshAhead"], System.Globalization.CultureInfo.InvariantCulture, out double refreshAhead) ? refreshAhead : 0,
        TimeSpan.TryParse(builder.Configuration["Demo:StaleIfError"], System.Globalization.CultureInfo.InvariantCulture, out TimeSpan staleIfError) ? staleIfError : TimeSpan.Zero)
    : null;

CacheCluster cluster = builder.AddCacheCluster("cache", nodes: nodeCount)
    .WithGroup("demo", backend, "/data/{key}", loadTimeout: loadTimeout, lifetimes: lifetimes);

// Metrics history: Prometheus scrapes every node and the backend; Grafana shows grafana/dashboards.
// Containers where a runtime answers, else Prometheus from PATH (see ObservabilityExtensions).
builder.AddMetricsStack(
    new ScrapeJob("aspirecache", cluster.Nodes),
    new ScrapeJob("demobackend", [backend]));

builder.Build().Run();
