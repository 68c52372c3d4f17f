namespace Aspire.Hosting;

/// <summary>Where a resource's <c>http</c> endpoint is, as seen from the host or from inside a container network.</summary>
internal static class NetworkAddress
{
    /// <summary>The endpoint every resource the metrics stack talks to serves: the scraped services, Alertmanager, the alert receiver.</summary>
    public const string EndpointName = "http";

    /// <summary>
    /// <c>host:port</c> of <paramref name="resource"/>'s <see cref="EndpointName"/> endpoint: for a process on the
    /// host when <paramref name="network"/> is null, else for a container on that network (another container by
    /// name, a host process through the orchestrator's tunnel). Known once the endpoints are allocated.
    /// </summary>
    public static async Task<string> HostAndPortAsync(IResourceWithEndpoints resource, NetworkIdentifier? network, CancellationToken cancellationToken)
    {
        EndpointReference endpoint = network is null ? resource.GetEndpoint(EndpointName) : resource.GetEndpoint(EndpointName, network);
        return await endpoint.Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The {EndpointName} endpoint of {resource.Name} has no address.");
    }
}
