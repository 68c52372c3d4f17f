namespace Aspire.Hosting;

/// <summary>What <see cref="ObservabilityExtensions.AddMetricsStack"/> added, for further configuration.</summary>
/// <param name="Prometheus">Prometheus, a container or the executable from PATH; null when left out.</param>
/// <param name="Alertmanager">Alertmanager, a container or the executable from PATH; null when left out. Its receiver is the <c>alerts</c> resource.</param>
/// <param name="Grafana">Grafana, always a container; null when left out.</param>
public sealed record MetricsStack(
    IResourceBuilder<IResourceWithEndpoints>? Prometheus,
    IResourceBuilder<IResourceWithEndpoints>? Alertmanager,
    IResourceBuilder<ContainerResource>? Grafana);
