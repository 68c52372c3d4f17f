namespace Aspire.Hosting;

/// <summary>
/// Alertmanager beside the AppHost's Prometheus: it receives the alerts of <c>prometheus/alerts.yml</c> that
/// fire and routes them, as <c>prometheus/alertmanager.yml</c> says, to the <c>alerts</c> resource.
/// </summary>
internal static class AlertmanagerExtensions
{
    /// <summary>The resource's name; also the container's name on the Aspire network, where Prometheus finds it.</summary>
    public const string ResourceName = "alertmanager";

    /// <summary>Alertmanager as Debian installs it (package prometheus-alertmanager), then under upstream's name.</summary>
    public static readonly string[] ExecutableNames = ["prometheus-alertmanager", "alertmanager"];

    /// <summary>The container image, pinned, with its config where the image's default command reads it.</summary>
    public static IResourceBuilder<ContainerResource> AddAlertmanagerContainer(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> receiver)
    {
        string template = AlertmanagerConfig.TemplatePathIn(builder);
        string[] image = ObservabilityExtensions.AlertmanagerImage.Split(':');
        return builder.AddContainer(ResourceName, image[0], image[1])
            .WithHttpEndpoint(targetPort: 9093, name: NetworkAddress.EndpointName)
            .WithAlertmanagerLink()
            // Arguments replace the image's command, so its defaults are repeated; the last one turns off
            // clustering (a single Alertmanager needs no peers).
            .WithArgs($"--config.file=/etc/alertmanager/{AlertmanagerConfig.FileName}", "--storage.path=/alertmanager", "--cluster.listen-address=")
            // The receiver's address as the container sees it: the orchestrator's tunnel to the host.
            .WithContainerFiles("/etc/alertmanager", async (_, cancellationToken) =>
            [
                new ContainerFile
                {
                    Name = AlertmanagerConfig.FileName,
                    Contents = await AlertmanagerConfig.BuildAsync(template, receiver.Resource, KnownNetworkIdentifiers.DefaultAspireContainerNetwork, cancellationToken),
                },
            ])
            .WithHttpHealthCheck("/-/ready")
            // A host process gets a tunnel only when the container depends on it directly.
            .WaitFor(receiver);
    }

    /// <summary>Alertmanager from PATH (<paramref name="executable"/>), with a config and data of this run's own.</summary>
    public static IResourceBuilder<ExecutableResource> AddAlertmanagerExecutable(this IDistributedApplicationBuilder builder, string executable, IResourceBuilder<ProjectResource> receiver)
    {
        string template = AlertmanagerConfig.TemplatePathIn(builder);
        string folder = RunFolder.For(builder, ResourceName);
        string configFile = Path.Combine(folder, AlertmanagerConfig.FileName);

        IResourceBuilder<ExecutableResource> alertmanager = builder.AddExecutable(ResourceName, executable, Path.GetTempPath())
            // Not proxied: Alertmanager itself listens on the port the orchestrator allocates.
            .WithHttpEndpoint(name: NetworkAddress.EndpointName, env: null, isProxied: false)
            .WithAlertmanagerLink()
            .WithHttpHealthCheck("/-/ready")
            .WaitFor(receiver);

        EndpointReference http = alertmanager.GetEndpoint(NetworkAddress.EndpointName);
        alertmanager.WithArgs(context =>
        {
            context.Args.Add($"--config.file={configFile}");
            context.Args.Add($"--storage.path={Path.Combine(folder, "data")}");
            context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{http.Property(EndpointProperty.TargetPort)}"));
            // Empty turns clustering off; its default would listen for peers on every interface, port 9094.
            context.Args.Add("--cluster.listen-address=");
            context.Args.Add("--log.level=warn");
        });

        alertmanager.OnBeforeResourceStarted(async (_, _, cancellationToken) =>
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(configFile, await AlertmanagerConfig.BuildAsync(template, receiver.Resource, network: null, cancellationToken), cancellationToken);
        });

        return alertmanager;
    }

    private static IResourceBuilder<T> WithAlertmanagerLink<T>(this IResourceBuilder<T> alertmanager)
        where T : IResourceWithEndpoints =>
        alertmanager.WithUrlForEndpoint(NetworkAddress.EndpointName, url => url.DisplayText = "Alertmanager");
}
