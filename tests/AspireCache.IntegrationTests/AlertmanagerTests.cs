using YamlDotNet.RepresentationModel;

namespace AspireCache.IntegrationTests;

/// <summary>
/// Alertmanager as the AppHost adds it and the configuration it is given: amtool checks the file, the
/// application model is inspected without starting anything. ObservabilityTests delivers a real alert.
/// </summary>
public sealed class AlertmanagerTests
{
    // amtool answers in well under a second; the bound only turns a hang into a failure.
    private static readonly TimeSpan AmtoolBound = TimeSpan.FromMinutes(1);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheConfigTemplate_PassesAmtoolCheckConfig()
    {
        if (PrometheusFixture.AlertmanagerMissingReason() is string missing)
        {
            MissingTool.SkipOrFail(missing);
        }

        string template = RepositoryFiles.PathOf("prometheus", "alertmanager.yml");
        (int exitCode, string output) = await ExternalProcess.RunAsync("amtool", ["check-config", template], RepositoryFiles.Root, AmtoolBound);

        Assert.True(exitCode == 0, $"amtool check-config exited {exitCode}:\n{output}");
    }

    [Fact]
    public async Task WithContainers_AlertmanagerGetsTheConfig_AndWaitsForItsReceiver_AndGrafanaGetsItsAddress()
    {
        await using IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["NodeCount=3", "Observability:Mode=containers"], Token);

        ContainerResource alertmanager = Assert.Single(builder.Resources.OfType<ContainerResource>(), r => r.Name == "alertmanager");
        Assert.Equal("prom/alertmanager", Assert.Single(alertmanager.Annotations.OfType<ContainerImageAnnotation>()).Image);
        Assert.Single(alertmanager.Annotations.OfType<ContainerFileSystemCallbackAnnotation>(), files => files.DestinationPath == "/etc/alertmanager");
        Assert.Contains("--cluster.listen-address=", await ArgumentsAsync(alertmanager));

        // The receiver is a process on the host: the container reaches it through a tunnel, built only for what it waits for.
        ProjectResource receiver = Assert.Single(builder.Resources.OfType<ProjectResource>(), r => r.Name == "alerts");
        Assert.Contains(alertmanager.Annotations.OfType<WaitAnnotation>(), w => w.Resource == receiver);

        ContainerResource grafana = Assert.Single(builder.Resources.OfType<ContainerResource>(), r => r.Name == "grafana");
        Assert.Contains("ALERTMANAGER_URL", await EnvironmentNamesAsync(grafana));
    }

    [Fact]
    public void GrafanasDatasources_ListThePrometheusRules_AndLinkThemToTheAlertmanager()
    {
        YamlMappingNode prometheus = Datasource("prometheus.yaml");
        YamlMappingNode alertmanager = Datasource("alertmanager.yaml");

        // The Prometheus datasource keeps the uid the dashboards name, and Grafana's Alerting pages read its rules.
        Assert.Equal("aspirecache-prometheus", Scalar(prometheus, "uid"));
        Assert.Equal("true", Scalar(JsonData(prometheus), "manageAlerts"));
        Assert.Equal("Prometheus", Scalar(JsonData(prometheus), "prometheusType"));

        // The Alertmanager it names is provisioned, speaks Prometheus's API, and is at the address the AppHost sets.
        Assert.Equal(Scalar(alertmanager, "uid"), Scalar(JsonData(prometheus), "alertmanagerUid"));
        Assert.Equal("alertmanager", Scalar(alertmanager, "type"));
        Assert.Equal("prometheus", Scalar(JsonData(alertmanager), "implementation"));
        Assert.Equal("${ALERTMANAGER_URL}", Scalar(alertmanager, "url"));
    }

    [Fact]
    public async Task FromPath_AlertmanagerListensOnLoopbackOnly_WithClusteringOff_AndWaitsForItsReceiver()
    {
        if ((PrometheusFixture.MissingReason() ?? PrometheusFixture.AlertmanagerMissingReason()) is string missing)
        {
            MissingTool.SkipOrFail(missing);
        }

        await using IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["NodeCount=3", "Observability:Mode=executable"], Token);

        ExecutableResource alertmanager = Assert.Single(builder.Resources.OfType<ExecutableResource>(), r => r.Name == "alertmanager");
        object[] arguments = await ArgumentsAsync(alertmanager);

        // Clustering's default would listen for peers on every interface (port 9094); the web port is on loopback.
        Assert.Contains("--cluster.listen-address=", arguments);
        ReferenceExpression listen = Assert.Single(arguments.OfType<ReferenceExpression>(), a => a.Format.StartsWith("--web.listen-address=", StringComparison.Ordinal));
        Assert.StartsWith("--web.listen-address=127.0.0.1:", listen.Format, StringComparison.Ordinal);
        Assert.Contains(alertmanager.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "alerts");
    }

    // The one datasource of a file of grafana/provisioning/datasources.
    private static YamlMappingNode Datasource(string file)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(RepositoryFiles.PathOf("grafana", "provisioning", "datasources", file)))
        {
            yaml.Load(reader);
        }

        var datasources = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("datasources")];
        return (YamlMappingNode)Assert.Single(datasources.Children);
    }

    private static YamlMappingNode JsonData(YamlMappingNode datasource) => (YamlMappingNode)datasource.Children[new YamlScalarNode("jsonData")];

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? ((YamlScalarNode)value).Value : null;

    private static async Task<object[]> ArgumentsAsync(IResource resource)
    {
        var arguments = new List<object>();
        var context = new CommandLineArgsCallbackContext(arguments, resource, Token);
        foreach (CommandLineArgsCallbackAnnotation callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return [.. arguments];
    }

    private static async Task<string[]> EnvironmentNamesAsync(IResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), resource, [], Token);
        foreach (EnvironmentCallbackAnnotation callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return [.. context.EnvironmentVariables.Keys];
    }
}
