using Microsoft.Extensions.DependencyInjection;

namespace AspireCache.Hosting.Tests;

/// <summary>What a client project gets from a reference to the cluster: what <c>AddCacheClient("cache")</c> reads.</summary>
public sealed class ClientReferenceTests
{
    [Fact]
    public async Task WithReference_GivesTheConnectionString_AndEveryMembersAddress_ButNotTheAdminSecret()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 3);

        IResourceBuilder<ProjectResource> client = builder.AddProject<CacheNodeProject>("storefront", launchProfileName: null)
            .WithReference(cluster);

        Dictionary<string, string> environment = await ModelEnvironment.OfAsync(client.Resource);
        Assert.Equal("{cache.connectionString}", environment["ConnectionStrings__cache"]);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"{{cache-{i}.bindings.http.url}}", environment[$"services__cache-{i}__http__0"]);
        }

        Assert.DoesNotContain(environment.Keys, key => key.Contains("AdminSecret", StringComparison.Ordinal));

        // The one secret a reading client gets: the key hash secret, so that its spans carry the nodes' key hashes.
        Assert.Equal("{cache-key-hash-secret.value}", environment["AspireCache__Client__cache__KeyHashSecret"]);
        Assert.DoesNotContain(environment.Values, value => value.Contains("secret", StringComparison.Ordinal) && value != "{cache-key-hash-secret.value}");
    }

    [Fact]
    public async Task WithReference_WithAdminAccess_AlsoGivesTheAdminSecret_NeverThePeerSecret()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2);

        IResourceBuilder<ProjectResource> client = builder.AddProject<CacheNodeProject>("importer", launchProfileName: null)
            .WithReference(cluster, adminAccess: true);

        Dictionary<string, string> environment = await ModelEnvironment.OfAsync(client.Resource);
        Assert.Equal("{cache-admin-secret.value}", environment["AspireCache__Client__cache__AdminSecret"]);
        Assert.DoesNotContain(environment.Values, value => value.Contains("peer-secret", StringComparison.Ordinal));
        Assert.Equal("{cache.connectionString}", environment["ConnectionStrings__cache"]);
    }

    [Fact]
    public async Task AspiresOwnConnectionStringReference_GetsTheMembersAddresses_BeforeTheStart()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2);
        IResourceBuilder<IResourceWithConnectionString> connection = cluster;
        IResourceBuilder<ProjectResource> client = builder.AddProject<CacheNodeProject>("storefront", launchProfileName: null)
            .WithReference(connection);
        Assert.False((await ModelEnvironment.OfAsync(client.Resource)).ContainsKey("services__cache-0__http__0"));

        // The event as the application raises it on start. Building asks for the orchestrator's paths,
        // which only an AppHost project has; nothing is started, so none is needed.
        builder.Configuration["DcpPublisher:CliPath"] = "dcp-is-not-run";
        builder.Configuration["DcpPublisher:DashboardPath"] = "dashboard-is-not-run";
        using DistributedApplication app = builder.Build();
        await builder.Eventing.PublishAsync(
            new BeforeStartEvent(app.Services, app.Services.GetRequiredService<DistributedApplicationModel>()), TestContext.Current.CancellationToken);

        Dictionary<string, string> environment = await ModelEnvironment.OfAsync(client.Resource);
        Assert.Equal("{cache.connectionString}", environment["ConnectionStrings__cache"]);
        Assert.Equal("{cache-0.bindings.http.url}", environment["services__cache-0__http__0"]);
        Assert.Equal("{cache-1.bindings.http.url}", environment["services__cache-1__http__0"]);
    }

    [Fact]
    public async Task WithReference_GivesTheClientEachGroupsMaxValueBytes_EvenOfGroupsDeclaredAfterIt()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2)
            .WithNoSourceGroup("blobs", maxValueBytes: 4 * 1024 * 1024)
            .WithGroup("small");

        IResourceBuilder<ProjectResource> client = builder.AddProject<CacheNodeProject>("storefront", launchProfileName: null)
            .WithReference(cluster);
        cluster.WithGroup("later", maxValueBytes: 2 * 1024 * 1024);

        Dictionary<string, string> environment = await ModelEnvironment.OfAsync(client.Resource);
        Assert.Equal("4194304", environment["AspireCache__Client__cache__Groups__blobs__MaxValueBytes"]);
        Assert.Equal("2097152", environment["AspireCache__Client__cache__Groups__later__MaxValueBytes"]);
        Assert.DoesNotContain("AspireCache__Client__cache__Groups__small__MaxValueBytes", environment.Keys); // The default, which the client has too.

        // The nodes get the same limit.
        Dictionary<string, string> node = await ModelEnvironment.OfAsync(cluster.Resource.Nodes[0]);
        Assert.Equal("4194304", node["Cache__Groups__blobs__MaxValueBytes"]);
    }

    [Fact]
    public void WithReference_RefusesNulls()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 1);
        IResourceBuilder<ProjectResource> client = builder.AddProject<CacheNodeProject>("storefront", launchProfileName: null);

        Assert.Throws<ArgumentNullException>(() => ((IResourceBuilder<ProjectResource>)null!).WithReference(cluster));
        Assert.Throws<ArgumentNullException>(() => client.WithReference((IResourceBuilder<CacheClusterResource>)null!));
    }
}
