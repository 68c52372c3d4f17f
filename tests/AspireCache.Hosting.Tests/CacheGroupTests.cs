namespace AspireCache.Hosting.Tests;

/// <summary>WithGroup and WithNoSourceGroup in the application model: every node serves the group, from its source, from code or without one.</summary>
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
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("demo", backend, maxValueBytes: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("demo", backend, maxValueBytes: (1024 * 1024 * 1024) + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("demo", backend, staleIfError: TimeSpan.FromSeconds(-1)));

        // A refused group leaves no half of itself behind.
        Assert.DoesNotContain(cluster.Resource.Nodes[0].Annotations.OfType<WaitAnnotation>(), wait => wait.Resource == backend.Resource);
    }

    [Fact]
    public async Task WithGroup_WithoutASource_GivesEveryNodeOnlyTheLimits_ForAGroupWhoseSourceIsCode()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2)
            .WithGroup(
                "prices",
                capacityBytes: 2 << 20,
                loadTimeout: TimeSpan.FromSeconds(3),
                timeToLive: TimeSpan.FromSeconds(30),
                refreshAhead: 0.5,
                staleIfError: TimeSpan.FromMinutes(1));

        foreach (ProjectResource node in cluster.Resource.Nodes)
        {
            Dictionary<string, string> environment = await ModelEnvironment.OfAsync(node);
            Assert.Equal(
                [
                    ("Cache__Groups__prices__CapacityBytes", "2097152"),
                    ("Cache__Groups__prices__LoadTimeout", "00:00:03"),
                    ("Cache__Groups__prices__RefreshAhead", "0.5"),
                    ("Cache__Groups__prices__StaleIfError", "00:01:00"),
                    ("Cache__Groups__prices__TimeToLive", "00:00:30"),
                ],
                GroupSettings(environment));
            Assert.Empty(node.Annotations.OfType<WaitAnnotation>());
        }
    }

    [Fact]
    public async Task WithGroup_WithoutASource_OrLimits_LeavesTheGroupToTheProject()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 1).WithGroup("prices");

        Assert.Empty(GroupSettings(await ModelEnvironment.OfAsync(cluster.Resource.Nodes[0])));
    }

    [Fact]
    public async Task WithNoSourceGroup_DeclaresTheGroupWithoutASource_WithItsLimits()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2)
            .WithNoSourceGroup("sessions", capacityBytes: 4 << 20, timeToLive: TimeSpan.FromMinutes(20));

        foreach (ProjectResource node in cluster.Resource.Nodes)
        {
            Assert.Equal(
                [
                    ("Cache__Groups__sessions__CapacityBytes", "4194304"),
                    ("Cache__Groups__sessions__NoSource", "true"),
                    ("Cache__Groups__sessions__TimeToLive", "00:20:00"),
                ],
                GroupSettings(await ModelEnvironment.OfAsync(node)));
            Assert.Empty(node.Annotations.OfType<WaitAnnotation>());
        }
    }

    [Fact]
    public async Task WithNoSourceGroup_LeavesWhatItIsNotGiven_ToTheNodesDefaults()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 1).WithNoSourceGroup("sessions");

        Assert.Equal([("Cache__Groups__sessions__NoSource", "true")], GroupSettings(await ModelEnvironment.OfAsync(cluster.Resource.Nodes[0])));
    }

    [Fact]
    public async Task GroupsOfEveryKind_LiveSideBySide_EachWithItsOwnSettings()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<ProjectResource> backend = builder.AddProject<CacheNodeProject>("demobackend", launchProfileName: null).WithHttpEndpoint();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 1)
            .WithGroup("demo", source: backend)
            .WithGroup("prices", timeToLive: TimeSpan.FromSeconds(30))
            .WithNoSourceGroup("sessions");

        Assert.Equal(
            [
                ("Cache__Groups__demo__SourcePath", "/data/{key}"),
                ("Cache__Groups__demo__SourceService", "demobackend"),
                ("Cache__Groups__prices__TimeToLive", "00:00:30"),
                ("Cache__Groups__sessions__NoSource", "true"),
            ],
            GroupSettings(await ModelEnvironment.OfAsync(cluster.Resource.Nodes[0])));
    }

    [Fact]
    public void WithGroupWithoutASource_AndWithNoSourceGroup_RefuseBadArguments()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 1);

        Assert.Throws<ArgumentNullException>(() => ((IResourceBuilder<CacheClusterResource>)null!).WithGroup("prices"));
        Assert.Throws<ArgumentNullException>(() => cluster.WithGroup(null!));
        Assert.Throws<ArgumentException>(() => cluster.WithGroup(string.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("prices", capacityBytes: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("prices", loadTimeout: TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("prices", timeToLive: TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("prices", refreshAhead: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithGroup("prices", staleIfError: TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentNullException>(() => ((IResourceBuilder<CacheClusterResource>)null!).WithNoSourceGroup("sessions"));
        Assert.Throws<ArgumentNullException>(() => cluster.WithNoSourceGroup(null!));
        Assert.Throws<ArgumentException>(() => cluster.WithNoSourceGroup(string.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithNoSourceGroup("sessions", capacityBytes: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.WithNoSourceGroup("sessions", timeToLive: TimeSpan.FromSeconds(-1)));
    }

    private static (string Key, string Value)[] GroupSettings(Dictionary<string, string> environment) =>
        [.. environment
            .Where(variable => variable.Key.StartsWith("Cache__Groups__", StringComparison.Ordinal))
            .Select(variable => (variable.Key, variable.Value))
            .OrderBy(variable => variable.Key, StringComparer.Ordinal)];
}
