namespace AspireCache.Hosting.Tests;

/// <summary>WithGroup in the application model: every node serves the group from its source.</summary>
public sealed class CacheGroupTests
{
    [Fact]
    public async Task WithGroup_GivesEveryNodeTheGroupsSettings_TheSourcesAddress_AndAWaitForIt()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<ProjectResource> backend = builder.AddProject<CacheNodeProject>("demobackend", launchProfileName: null).WithHttpEndpoint();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2)
            .WithGroup(
                "demo",
                source: backend,
                path: "/items/{key}",
                capacityBytes: 1 << 20,
                loadTimeout: TimeSpan.FromSeconds(4),
                timeToLive: TimeSpan.FromMinutes(2),
                refreshAhead: 0.25,
                staleIfError: TimeSpan.FromSeconds(30));

        foreach (ProjectResource node in cluster.Resource.Nodes)
        {
            Dictionary<string, string> environment = await ModelEnvironment.OfAsync(node);
            Assert.Equal("demobackend", environment["Cache__Groups__demo__SourceService"]);
            Assert.Equal("/items/{key}", environment["Cache__Groups__demo__SourcePath"]);
            Assert.Equal("1048576", environment["Cache__Groups__demo__CapacityBytes"]);
            Assert.Equal("00:00:04", environment["Cache__Groups__demo__LoadTimeout"]);
            Assert.Equal("00:02:00", environment["Cache__Groups__demo__TimeToLive"]);
            Assert.Equal("0.25", environment["Cache__Groups__demo__RefreshAhead"]);
            Assert.Equal("00:00:30", environment["Cache__Groups__demo__StaleIfError"]);
            Assert.Equal("{demobackend.bindings.http.url}", environment["services__demobackend__http__0"]);
            Assert.Contains(node.Annotations.OfType<WaitAnnotation>(), wait => wait.Resource == backend.Resource);
        }
    }

    [Fact]
    public async Task WithGroup_LeavesWhatItIsNotGiven_ToTheNodesDefaults()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<ProjectResource> backend = builder.AddProject<CacheNodeProject>("demobackend", launchProfileName: null).WithHttpEndpoint();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 1)
            .WithGroup("demo", source: backend);

        string[] groupSettings = [.. (await ModelEnvironment.OfAsync(cluster.Resource.Nodes[0])).Keys
            .Where(key => key.StartsWith("Cache__Groups__", StringComparison.Ordinal))
            .Order()];
        Assert.Equal(["Cache__Groups__demo__SourcePath", "Cache__Groups__demo__SourceService"], groupSettings);
    }

    [Fact]
    public async Task TwoGroups_EachGetTheirOwnSettings()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<ProjectResource> products = builder.AddProject<CacheNodeProject>("products", launchProfileName: null).WithHttpEndpoint();
        IResourceBuilder<ProjectResource> prices = builder.AddProject<CacheNodeProject>("prices", launchProfileName: null).WithHttpEndpoint();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 1)
            .WithGroup("products", source: products)
            .WithGroup("prices", source: prices, path: "/prices/{key}");

        Dictionary<string, string> environment = await ModelEnvironment.OfAsync(cluster.Resource.Nodes[0]);
        Assert.Equal("products", environment["Cache__Groups__products__SourceService"]);
        Assert.Equal("/data/{key}", environment["Cache__Groups__products__SourcePath"]);
        Assert.Equal("prices", environment["Cache__Groups__prices__SourceService"]);
        Assert.Equal("/prices/{key}", environment["Cache__Groups__prices__SourcePath"]);
    }

    [Fact]
    public void WithGroup_RefusesBadArguments()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<ProjectResource> backend = builder.AddProject<CacheNodeProject>("demobackend", launchProfileName: null).WithHttpEndpoint();
        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 1);

        Assert.Throws<ArgumentNullException>(() => ((IResourceBuilder<CacheClusterResource>)null!).WithGroup("demo", backend));
        Assert.Throws<ArgumentException>(() => cluster.WithGroup(string.Empty, backend));
        Assert.Throws<ArgumentNullException>(() => cluster.WithGroup<ProjectResource>("demo", null!));
        Assert.Throws<ArgumentException>(() => cluster.WithGroup("demo", backend, path: "/data"));
        Assert.Throws<ArgumentException>(() => cluster.WithGroup("demo", backend, path: "data/{key}"));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("demo", backend, capacityBytes: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("demo", backend, loadTimeout: TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("demo", backend, timeToLive: TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("demo", backend, refreshAhead: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("demo", backend, refreshAhead: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("demo", backend, staleIfError: TimeSpan.FromSeconds(-1)));

        // A refused group leaves no half of itself behind.
        Assert.DoesNotContain(cluster.Resource.Nodes[0].Annotations.OfType<WaitAnnotation>(), wait => wait.Resource == backend.Resource);
    }
}
