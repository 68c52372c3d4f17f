using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Where the AppHost's Alertmanager sends its notifications: the <c>alerts</c> resource, whose log is the list of alerts.</summary>
internal static partial class AlertReceiverExtensions
{
    /// <summary>The resource's name: its console log in the dashboard is where alerts arrive.</summary>
    public const string ResourceName = "alerts";

    /// <summary>
    /// Adds the AlertReceiver project as <see cref="ResourceName"/>: Alertmanager's webhook receiver, which
    /// writes one log line per alert (the dashboard shows them as the resource's console and structured logs),
    /// and echoes those lines on the AppHost's console (category <c>AspireCache.Alerts</c>).
    /// </summary>
    /// <remarks>
    /// A project rather than a listener inside the AppHost: a container (the Alertmanager image) reaches a
    /// host process only through the orchestrator's tunnel, which exists for the processes it runs.
    /// </remarks>
    public static IResourceBuilder<ProjectResource> AddAlertReceiver(this IDistributedApplicationBuilder builder)
    {
        // No launch profile: the orchestrator picks a free port, as for the cache nodes.
        IResourceBuilder<ProjectResource> receiver = builder.AddProject<Projects.AlertReceiver>(ResourceName, launchProfileName: null)
            .WithHttpEndpoint(name: NetworkAddress.EndpointName)
            .WithHttpHealthCheck("/health")
            // Its address takes Alertmanager's posts only; what a person reads is its log.
            .WithUrlForEndpoint(NetworkAddress.EndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly);

        builder.Eventing.Subscribe<BeforeStartEvent>((started, _) =>
        {
            EchoOnConsole(started.Services, receiver.Resource);
            return Task.CompletedTask;
        });

        return receiver;
    }

    // For whoever watches the AppHost's console rather than the dashboard: the alert lines only, not the
    // orchestrator's own lines about the process. The receiver writes them one per line in category
    // "Alert" (AlertReceiver's AlertLog and appsettings.json), after the timestamp the orchestrator adds.
    // Runs until the application stops, and ends quietly then.
    private static void EchoOnConsole(IServiceProvider services, IResource receiver)
    {
        ResourceLoggerService logs = services.GetRequiredService<ResourceLoggerService>();
        ILogger console = services.GetRequiredService<ILoggerFactory>().CreateLogger("AspireCache.Alerts");
        CancellationToken stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        _ = EchoAsync(logs.WatchAsync(receiver), console, stopping);
    }

    private static async Task EchoAsync(IAsyncEnumerable<IReadOnlyList<LogLine>> lines, ILogger console, CancellationToken stopping)
    {
        try
        {
            await foreach (IReadOnlyList<LogLine> batch in lines.WithCancellation(stopping))
            {
                foreach (LogLine line in batch)
                {
                    if (AlertLine().Match(line.Content) is { Success: true } alert)
                    {
                        console.Log(alert.Groups["level"].Value == "warn" ? LogLevel.Warning : LogLevel.Information, "{Alert}", alert.Groups["text"].Value);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [GeneratedRegex(@"(?<level>warn|info): Alert\[\d+\] (?<text>.*)$")]
    private static partial Regex AlertLine();
}
