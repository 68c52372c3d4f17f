// The AspireCache topology: a slow data source and a ring of cache nodes in front of it.
// Start it with `dotnet run --project AppHost`; `-- NodeCount=5` changes the number of nodes.
using System.Globalization;

IDistributedApplicationBuilder builder = DistributedApplication.CreateBuilder(args);

int nodeCount = int.TryParse(builder.Configuration["NodeCount"], out int configured) ? configured : 3;

IResourceBuilder<ProjectResource> backend = builder.AddProject<Projects.DemoBackend>("demobackend")
    .WithHttpHealthCheck("/health")
    .WithHttpCommand("/stats/reset", "Reset stats", commandName: "reset-stats", commandOptions: new HttpCommandOptions
    {
        Method = HttpMethod.Post,
        Description = "Sets the backend's call counts (GET /stats) back to zero.",
        IconName = "ArrowReset",
    });

// How long the backend's slow- keys take (default 30 s); tests set it to sit between the peer and load timeouts.
if (builder.Configuration["Demo:SlowDelay"] is { Length: > 0 } slowDelay)
{
    backend.WithEnvironment("DemoBackend__SlowDelay", slowDelay);
}

// Values never expire unless Demo:TimeToLive is set (with Demo:RefreshAhead and Demo:StaleIfError, off by default).
TimeSpan? timeToLive = TimeSpanSetting("Demo:TimeToLive");

IResourceBuilder<CacheClusterResource> cache = builder.AddCacheCluster("cache", nodes: nodeCount)
    .WithGroup(
        "demo",
        source: backend,
        path: "/data/{key}",
        loadTimeout: TimeSpanSetting("Demo:LoadTimeout"),
        timeToLive: timeToLive,
        refreshAhead: timeToLive is null ? null : RefreshAheadSetting(),
        staleIfError: timeToLive is null ? null : TimeSpanSetting("Demo:StaleIfError"));

// The demo shows what more memory would buy (the miss-ratio curve costs time on every hit, so it is off unless asked for).
foreach (ProjectResource node in cache.Resource.Nodes)
{
    builder.CreateResourceBuilder(node).WithEnvironment("Cache__Groups__demo__MissRatioCurve", "true");
}

// Fault injection, for failure tests only: never on unless the AppHost is told so.
if (string.Equals(builder.Configuration["Faults:Enabled"], "true", StringComparison.OrdinalIgnoreCase))
{
    cache.WithFaultInjection();
}

// A web API of the kind that uses a cache: it reads the demo group through the owner-routing client,
// which sends each key straight to its owner (samples/DemoApi; its traces show the one hop).
builder.AddProject<Projects.DemoApi>("demoapi")
    .WithReference(cache)
    .WaitFor(cache)
    .WithHttpHealthCheck("/health");

// Traffic to watch: Zipf-skewed reads at a chosen rate, started and stopped from the dashboard
// ("Start load") or with curl (POST http://localhost:5380/start); it does not start by itself.
IResourceBuilder<ProjectResource> loadgen = builder.AddLoadGenerator(cache);

// Metrics history: Prometheus scrapes every node, the backend and the load generator; Grafana shows
// grafana/dashboards. Containers where a runtime answers, else Prometheus from PATH (see ObservabilityExtensions).
builder.AddMetricsStack(cache, new ScrapeJob("demobackend", [backend]), new ScrapeJob("loadgen", [loadgen]));

// "cache-0 is at http://localhost:5401", … on the console, for whoever does not open the dashboard.
builder.LogResourceAddresses();

// Nothing here serves HTTPS: no project is offered a development certificate (see PlainHttpExtensions).
builder.WithoutHttpsCertificates();

builder.Build().Run();

TimeSpan? TimeSpanSetting(string key) =>
    TimeSpan.TryParse(builder.Configuration[key], CultureInfo.InvariantCulture, out TimeSpan value) ? value : null;

double? RefreshAheadSetting() =>
    double.TryParse(builder.Configuration["Demo:RefreshAhead"], CultureInfo.InvariantCulture, out double share) ? share : null;
