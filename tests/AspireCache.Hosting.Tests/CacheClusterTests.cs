namespace AspireCache.Hosting.Tests;

/// <summary>The cluster's application model: nodes, their names, members, secrets and references. Nothing is started.</summary>
public sealed class CacheClusterTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void AddCacheCluster_AddsThatManyNamedNodes_AsChildrenOfTheCluster(int nodes)
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes);

        string[] names = [.. Enumerable.Range(0, nodes).Select(i => $"cache-{i}")];
        Assert.Equal(names, cluster.Resource.Nodes.Select(n => n.Name));
        Assert.Equal(names, builder.Resources.OfType<ProjectResource>().Select(p => p.Name));
        Assert.All(cluster.Resource.Nodes, node => Assert.Same(
            cluster.Resource,
            Assert.Single(node.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent").Resource));
    }

    [Fact]
    public void Nodes_CannotBeChanged_FromOutside()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2);

        Assert.IsNotType<List<ProjectResource>>(cluster.Resource.Nodes);
        ICollection<ProjectResource> asCollection = Assert.IsAssignableFrom<ICollection<ProjectResource>>(cluster.Resource.Nodes);
        Assert.True(asCollection.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => asCollection.Add(cluster.Resource.Nodes[0]));
        Assert.Equal(2, cluster.Resource.Nodes.Count);
    }

    [Fact]
    public async Task ConnectionString_IsTheMemberNames_CommaSeparated()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 3);

        Assert.Equal("cache-0,cache-1,cache-2", await cluster.Resource.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EveryNode_GetsItsName_EveryMember_BothSecrets_AndEveryMembersAddress()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 3);

        foreach (ProjectResource node in cluster.Resource.Nodes)
        {
            Dictionary<string, string> environment = await ModelEnvironment.OfAsync(node);
            Assert.Equal(node.Name, environment["Cache__NodeName"]);
            Assert.Equal("cache-0", environment["Cache__Members__0"]);
            Assert.Equal("cache-1", environment["Cache__Members__1"]);
            Assert.Equal("cache-2", environment["Cache__Members__2"]);
            Assert.False(environment.ContainsKey("Cache__Members__3"));
            Assert.Equal("{cache-peer-secret.value}", environment["Cache__PeerSecret"]);
            Assert.Equal("{cache-admin-secret.value}", environment["Cache__AdminSecret"]);
            Assert.Equal("{cache-key-hash-secret.value}", environment["Cache__KeyHashSecret"]);
            Assert.Equal(builder.Environment.EnvironmentName, environment["ASPNETCORE_ENVIRONMENT"]);

            // A node resolves every member, itself included, by service discovery.
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal($"{{cache-{i}.bindings.http.url}}", environment[$"services__cache-{i}__http__0"]);
            }

            Assert.False(environment.ContainsKey("Cache__Faults__Enabled"));
        }
    }

    [Fact]
    public void TheSecrets_AreSecretParameters_OfTheCluster()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2);

        Assert.Equal("cache-peer-secret", cluster.Resource.PeerSecret.Name);
        Assert.Equal("cache-admin-secret", cluster.Resource.AdminSecret.Name);
        Assert.True(cluster.Resource.PeerSecret.Secret);
        Assert.True(cluster.Resource.AdminSecret.Secret);
        Assert.Contains(cluster.Resource.PeerSecret, builder.Resources);
        Assert.Contains(cluster.Resource.AdminSecret, builder.Resources);

        // The key hash secret is generated once and kept: a key's hash in telemetry must not change between runs.
        Assert.Equal("cache-key-hash-secret", cluster.Resource.KeyHashSecret.Name);
        Assert.True(cluster.Resource.KeyHashSecret.Secret);
        Assert.Contains(cluster.Resource.KeyHashSecret, builder.Resources);
        Assert.Equal("UserSecretsParameterDefault", cluster.Resource.KeyHashSecret.Default?.GetType().Name);
        Assert.IsType<GenerateParameterDefault>(cluster.Resource.PeerSecret.Default);
    }

    [Fact]
    public void EveryNode_HasItsOwnHttpEndpoint_WithoutAFixedPort_AndAHealthCheck()
    {
        // The trap: instances of one project that keep its launch profile's port all get one proxied
        // address. Each node's endpoint must leave its port to the orchestrator.
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 3);

        foreach (ProjectResource node in cluster.Resource.Nodes)
        {
            EndpointAnnotation endpoint = Assert.Single(node.Annotations.OfType<EndpointAnnotation>());
            Assert.Equal("http", endpoint.Name);
            Assert.Null(endpoint.Port);
            Assert.Single(node.Annotations.OfType<HealthCheckAnnotation>());
        }
    }

    [Fact]
    public async Task WithFaultInjection_TurnsFaultsOn_OnEveryNode()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2).WithFaultInjection();

        foreach (ProjectResource node in cluster.Resource.Nodes)
        {
            Assert.Equal("true", (await ModelEnvironment.OfAsync(node))["Cache__Faults__Enabled"]);
        }
    }

    [Fact]
    public void AddCacheCluster_RefusesBadArguments()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        Assert.Throws<ArgumentNullException>(() => ((IDistributedApplicationBuilder)null!).AddCacheCluster<CacheNodeProject>("cache"));
        Assert.Throws<ArgumentNullException>(() => builder.AddCacheCluster<CacheNodeProject>(null!));
        Assert.Throws<ArgumentException>(() => builder.AddCacheCluster<CacheNodeProject>(string.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 0));
        Assert.Throws<ArgumentNullException>(() => ((IResourceBuilder<CacheClusterResource>)null!).WithFaultInjection());
        Assert.Empty(builder.Resources);
    }
}
