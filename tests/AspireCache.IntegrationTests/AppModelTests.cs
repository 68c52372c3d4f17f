namespace AspireCache.IntegrationTests;

/// <summary>The AppHost's application model, inspected without starting anything.</summary>
public sealed class AppModelTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task NodeCount_AddsThatManyNamedNodes_EachReferencingEveryMember(int nodes)
    {
        await using IDistributedApplicationTestingBuilder builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([$"NodeCount={nodes}"], Token);

        ProjectResource[] cacheNodes = [.. builder.Resources.OfType<ProjectResource>().Where(r => r.Name.StartsWith("cache-", StringComparison.Ordinal))];

        Assert.Equal(Enumerable.Range(0, nodes).Select(i => $"cache-{i}"), cacheNodes.Select(n => n.Name));
        foreach (ProjectResource node in cacheNodes)
        {
            ResourceRelationshipAnnotation[] references = [.. node.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference")];
            string[] services = [.. references.Where(r => r.Resource is ProjectResource).Select(r => r.Resource.Name).Distinct().Order()];
            Assert.Equal(cacheNodes.Select(n => n.Name).Append("demobackend").Order(), services);
            Assert.Contains(references, r => r.Resource is ParameterResource { Name: "cache-peer-secret", Secret: true });
            Assert.Contains(references, r => r.Resource is ParameterResource { Name: "cache-admin-secret", Secret: true });
        }
    }

    [Fact]
    public async Task EveryNode_GetsTheAdminSecretParameter_ApartFromThePeerSecret()
    {
        await using IDistributedApplicationTestingBuilder builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["NodeCount=3"], Token);

        foreach (ProjectResource node in builder.Resources.OfType<ProjectResource>().Where(r => r.Name.StartsWith("cache-", StringComparison.Ordinal)))
        {
            // The environment as the model declares it, values unresolved: parameters stay parameters.
            var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), node, [], Token);
            foreach (EnvironmentCallbackAnnotation callback in node.Annotations.OfType<EnvironmentCallbackAnnotation>())
            {
                await callback.Callback(context);
            }

            Assert.Equal("cache-admin-secret", Assert.IsType<ParameterResource>(context.EnvironmentVariables["Cache__AdminSecret"]).Name);
            Assert.Equal("cache-peer-secret", Assert.IsType<ParameterResource>(context.EnvironmentVariables["Cache__PeerSecret"]).Name);
        }

        ParameterResource admin = Assert.Single(builder.Resources.OfType<ParameterResource>(), p => p.Name == "cache-admin-secret");
        Assert.True(admin.Secret);
    }

    [Fact]
    public async Task TheNodes_AreChildrenOfTheCacheCluster_WhoseConnectionStringNamesThem()
    {
        await using IDistributedApplicationTestingBuilder builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["NodeCount=3"], Token);

        CacheClusterResource cluster = Assert.Single(builder.Resources.OfType<CacheClusterResource>());
        Assert.Equal("cache", cluster.Name);
        Assert.Equal(["cache-0", "cache-1", "cache-2"], cluster.Nodes.Select(n => n.Name));
        Assert.All(cluster.Nodes, node => Assert.Contains(
            node.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent" && r.Resource == cluster));
        Assert.Equal("cache-0,cache-1,cache-2", await cluster.ConnectionStringExpression.GetValueAsync(Token));
    }

    [Theory]
    [InlineData("Faults:Enabled=true", true)]
    [InlineData("Faults:Enabled=false", false)]
    public async Task FaultsEnabled_TurnsOnFaultInjection_OnEveryNode_AndOnlyThen(string argument, bool enabled)
    {
        await using IDistributedApplicationTestingBuilder builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["NodeCount=2", argument], Token);

        foreach (ProjectResource node in builder.Resources.OfType<CacheClusterResource>().Single().Nodes)
        {
            var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), node, [], Token);
            foreach (EnvironmentCallbackAnnotation callback in node.Annotations.OfType<EnvironmentCallbackAnnotation>())
            {
                await callback.Callback(context);
            }

            Assert.Equal(enabled, context.EnvironmentVariables.TryGetValue("Cache__Faults__Enabled", out object? value) && value is "true");
        }
    }

    [Fact]
    public async Task NoTwoNodes_ShareAFixedPort()
    {
        // The trap: instances of one project that keep its launch profile's port all get one proxied
        // address. Each node's endpoint must leave its port to the orchestrator.
        await using IDistributedApplicationTestingBuilder builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["NodeCount=3"], Token);

        EndpointAnnotation[] endpoints = [.. builder.Resources.OfType<ProjectResource>()
            .Where(r => r.Name.StartsWith("cache-", StringComparison.Ordinal))
            .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>())];

        Assert.Equal(3, endpoints.Length);
        Assert.All(endpoints, endpoint =>
        {
            Assert.Equal("http", endpoint.Name);
            Assert.Null(endpoint.Port);
        });
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Prometheus_WaitsForAndScrapesEveryNodeAndTheBackend(int nodes)
    {
        if (PrometheusFixture.MissingReason() is string missing)
        {
            MissingTool.SkipOrFail(missing);
        }

        await using IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"NodeCount={nodes}", "Observability:Mode=executable"], Token);

        ExecutableResource prometheus = Assert.Single(builder.Resources.OfType<ExecutableResource>(), r => r.Name == "prometheus");
        string[] awaited = [.. prometheus.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Order()];
        Assert.Equal(Enumerable.Range(0, nodes).Select(i => $"cache-{i}").Append("demobackend").Order(), awaited);
    }

    [Fact]
    public async Task ObservabilityOff_AddsNeitherPrometheusNorGrafana()
    {
        await using IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["Observability:Mode=off"], Token);

        Assert.DoesNotContain(builder.Resources, r => r.Name is "prometheus" or "grafana");
    }

    [Fact]
    public async Task WithContainers_PrometheusScrapesEveryNode_AndGrafanaGetsTheDashboards()
    {
        // Only the model: this machine runs no containers, so nothing is started.
        await using IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["NodeCount=3", "Observability:Mode=containers"], Token);

        ContainerResource prometheus = Assert.Single(builder.Resources.OfType<ContainerResource>(), r => r.Name == "prometheus");
        Assert.Equal("prom/prometheus", Assert.Single(prometheus.Annotations.OfType<ContainerImageAnnotation>()).Image);
        Assert.Single(prometheus.Annotations.OfType<ContainerFileSystemCallbackAnnotation>(), files => files.DestinationPath == "/etc/prometheus");
        Assert.Equal(
            ["cache-0", "cache-1", "cache-2", "demobackend"],
            prometheus.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Order());

        ContainerResource grafana = Assert.Single(builder.Resources.OfType<ContainerResource>(), r => r.Name == "grafana");
        ContainerMountAnnotation[] mounts = [.. grafana.Annotations.OfType<ContainerMountAnnotation>()];
        Assert.Equal(["/etc/grafana/provisioning", "/var/lib/grafana/dashboards"], mounts.Select(m => m.Target).Order());
        Assert.All(mounts, mount => Assert.True(Directory.Exists(mount.Source), $"{mount.Source} does not exist"));

        // The dashboard provider reads the folder the dashboards are mounted at.
        string provider = File.ReadAllText(RepositoryFiles.PathOf("grafana", "provisioning", "dashboards", "aspirecache.yaml"));
        Assert.Contains("path: /var/lib/grafana/dashboards", provider, StringComparison.Ordinal);
        Assert.Contains(grafana.Annotations.OfType<WaitAnnotation>(), w => w.Resource == prometheus);
        Assert.DoesNotContain(builder.Resources, r => r is ExecutableResource { Name: "prometheus" });
    }
}
