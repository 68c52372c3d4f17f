using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Lines the AppHost's wiring writes once the application starts (category <c>AspireCache.AppHost</c>), beside Aspire's own.</summary>
internal static class StartupLog
{
    /// <summary>Logs <paramref name="message"/> when the application starts: the builder has no logger before it is built.</summary>
    public static void Write(IDistributedApplicationBuilder builder, LogLevel level, string message) =>
        builder.Eventing.Subscribe<BeforeStartEvent>((started, _) =>
        {
            ILogger logger = started.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AspireCache.AppHost");
#pragma warning disable CA2254 // The messages are the AppHost's own sentences, not templates with arguments.
            logger.Log(level, message);
#pragma warning restore CA2254
            return Task.CompletedTask;
        });
}
