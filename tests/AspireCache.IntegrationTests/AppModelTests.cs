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
    public async Task EachNode_HasAPortOfItsOwn_From5401()
    {
        // The trap: instances of one project that keep its launch profile's port all get one proxied
        // address. Each node has an endpoint of its own instead, on a port of its own (5401, 5402, …),
        // so that the README's commands name the nodes' addresses as they are.
        await using IDistributedApplicationTestingBuilder builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["NodeCount=3"], Token);

        EndpointAnnotation[] endpoints = [.. builder.Resources.OfType<ProjectResource>()
            .Where(r => r.Name.StartsWith("cache-", StringComparison.Ordinal))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => Assert.Single(r.Annotations.OfType<EndpointAnnotation>()))];

        Assert.All(endpoints, endpoint => Assert.Equal("http", endpoint.Name));
        Assert.Equal([5401, 5402, 5403], endpoints.Select(e => e.Port));
    }

    [Fact]
    public async Task NoProject_IsOfferedADevelopmentCertificate_SoTheDashboardShowsNoCertificateWarning()
    {
        // Everything here is plain HTTP; a project Aspire may give a certificate makes the dashboard warn,
        // on every page, on a machine that has no trusted one (the newcomer test's screenshots check the page).
        // With containers, every project is in the model whatever is installed (alerts is Alertmanager's receiver).
        await using IDistributedApplicationTestingBuilder builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["NodeCount=3", "Observability:Mode=containers"], Token);

        ProjectResource[] projects = [.. builder.Resources.OfType<ProjectResource>()];
        Assert.Equal(["alerts", "cache-0", "cache-1", "cache-2", "demoapi", "demobackend", "loadgen"], projects.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(projects, project =>
        {
#pragma warning disable ASPIRECERTIFICATES001
            HttpsCertificateAnnotation https = Assert.Single(project.Annotations.OfType<HttpsCertificateAnnotation>());
            Assert.False(https.UseDeveloperCertificate, project.Name);
            Assert.Null(https.Certificate);
#pragma warning restore ASPIRECERTIFICATES001
        });
    }

    [Fact]
    public async Task TheDashboard_HasTheCommandsTheReadmeNames()
    {
        await using IDistributedApplicationTestingBuilder builder =
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["NodeCount=3"], Token);

        string[] CommandsOf(string resource) => [.. builder.Resources.Single(r => r.Name == resource)
            .Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name).Order(StringComparer.Ordinal)];

        Assert.Equal(["clear-group", "show-ring"], CommandsOf("cache"));
        Assert.Equal(["start-load", "stop-load"], CommandsOf("loadgen").Where(c => c.EndsWith("-load", StringComparison.Ordinal)));
        Assert.Contains("reset-stats", CommandsOf("demobackend"));

        // The load generator reads the cluster, waits for it, and starts no load by itself (no argument turns it on).
        ProjectResource loadgen = Assert.Single(builder.Resources.OfType<ProjectResource>(), r => r.Name == "loadgen");
        Assert.Contains(loadgen.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "cache");
        Assert.Equal(5380, Assert.Single(loadgen.Annotations.OfType<EndpointAnnotation>()).Port);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Prometheus_WaitsForAndScrapesEveryNodeTheBackendAndTheLoadGenerator(int nodes)
    {
        if (PrometheusFixture.MissingReason() is string missing)
        {
            MissingTool.SkipOrFail(missing);
        }

        await using IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"NodeCount={nodes}", "Observability:Mode=executable"], Token);

        ExecutableResource prometheus = Assert.Single(builder.Resources.OfType<ExecutableResource>(), r => r.Name == "prometheus");
        string[] awaited = [.. prometheus.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Order()];
        Assert.Equal(Enumerable.Range(0, nodes).Select(i => $"cache-{i}").Append("demobackend").Append("loadgen").Order(), awaited);
    }

    [Fact]
    public async Task ObservabilityOff_AddsNeitherPrometheusNorGrafana()
    {
        await using IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["Observability:Mode=off"], Token);

        Assert.DoesNotContain(builder.Resources, r => r.Name is "prometheus" or "grafana");
    }

    [Fact]
    public async Task WithContainers_PrometheusScrapesEveryNodeTheBackendAndTheLoadGenerator_AndGrafanaGetsTheDashboards()
    {
        // Only the model: this machine runs no containers, so nothing is started.
        await using IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["NodeCount=3", "Observability:Mode=containers"], Token);

        ContainerResource prometheus = Assert.Single(builder.Resources.OfType<ContainerResource>(), r => r.Name == "prometheus");
        Assert.Equal("prom/prometheus", Assert.Single(prometheus.Annotations.OfType<ContainerImageAnnotation>()).Image);
        Assert.Single(prometheus.Annotations.OfType<ContainerFileSystemCallbackAnnotation>(), files => files.DestinationPath == "/etc/prometheus");
        Assert.Equal(
            ["cache-0", "cache-1", "cache-2", "demobackend", "loadgen"],
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
