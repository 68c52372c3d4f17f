using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Prints where every resource listens, so that a person (or a script) reading the console finds the nodes, the load generator and Prometheus without the dashboard.</summary>
public static class ResourceAddresses
{
    /// <summary>
    /// Logs one line per HTTP endpoint, <c>{resource} is at {url}</c>, once the orchestrator has allocated it
    /// (category <c>AspireCache.AppHost</c>).
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The builder.</returns>
    public static IDistributedApplicationBuilder LogResourceAddresses(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Eventing.Subscribe<ResourceEndpointsAllocatedEvent>((allocated, _) =>
        {
            if (allocated.Resource is not IResourceWithEndpoints resource)
            {
                return Task.CompletedTask;
            }

            ILogger logger = allocated.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AspireCache.AppHost");
            foreach (EndpointAnnotation endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                if (endpoint.UriScheme is "http" or "https" && endpoint.AllocatedEndpoint is { } address)
                {
                    logger.LogInformation("{Resource} is at {Url}", resource.Name, address.UriString);
                }
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}
