using AspireCache.Client;
using Microsoft.Extensions.Options;

namespace LoadGenerator;

/// <summary>Starts and stops runs, one at a time: a start while a run is under way replaces it.</summary>
internal sealed class TrafficRunner(
    IOptions<LoadGeneratorOptions> options,
    IHttpClientFactory httpClients,
    IServiceProvider services,
    TrafficMetrics metrics,
    TimeProvider time,
    ILogger<TrafficRunner> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TrafficRun? _run;

    /// <summary>The settings a start without parameters uses: the configured ones.</summary>
    public TrafficSettings Defaults { get; } = new(options.Value.Rate, options.Value.Keys, options.Value.Skew, options.Value.Route);

    public async Task<TrafficStatus> StartAsync(TrafficSettings settings)
    {
        await _gate.WaitAsync();
        try
        {
            // The new target first: if it cannot be made, the run under way goes on.
            LoadGeneratorOptions current = options.Value;
            ITrafficTarget target = TargetFor(settings.Route, current);
            if (_run is not null)
            {
                await _run.StopAsync();
            }

            _run = new TrafficRun(settings, target, current.Group, current.MaxInFlight, metrics, time, logger);
            _run.Start();
            metrics.TargetRate(settings.Rate);
            logger.LogInformation(
                "Load started: {Rate} reads/s over {Keys} keys of group {Group}, Zipf skew {Skew}, route {Route}.",
                settings.Rate, settings.Keys, current.Group, settings.Skew, settings.Route);
            return _run.Status();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<TrafficStatus> StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_run is { Running: true })
            {
                await _run.StopAsync();
                metrics.TargetRate(0);
                TrafficStatus status = _run.Status();
                logger.LogInformation("Load stopped after {Seconds} s: {Reads} reads, {Errors} errors, {Skipped} skipped.", status.Seconds, status.Reads, status.Errors, status.Skipped);
                return status;
            }

            return Status();
        }
        finally
        {
            _gate.Release();
        }
    }

    public TrafficStatus Status() =>
        Volatile.Read(ref _run)?.Status() ?? new TrafficStatus(false, null, 0, 0, 0, 0, 0, new Dictionary<string, long>(), null);

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _run) is { } run)
        {
            await run.StopAsync();
        }
    }

    private ITrafficTarget TargetFor(TrafficRoute route, LoadGeneratorOptions current)
    {
        if (route == TrafficRoute.Owner)
        {
            return new OwnerRoutingTarget(services.GetRequiredKeyedService<ICacheClient>(current.Connection));
        }

        IConfiguration configuration = services.GetRequiredService<IConfiguration>();
        return new NodeSpreadTarget(
            httpClients.CreateClient(NodeSpreadTarget.HttpClientName),
            NodeSpreadTarget.AddressesOf(configuration.GetConnectionString(current.Connection)));
    }
}
