namespace AspireCache.Hosting.Tests;

public sealed class CacheClusterCommandTests
{
    [Fact]
    public void TheCluster_HasClearGroupAndShowRing_AskingForTheGroup_WithTheFirstDeclaredOneFilledIn()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2)
            .WithNoSourceGroup("sessions")
            .WithGroup("prices", capacityBytes: 1 << 20);

        ResourceCommandAnnotation[] commands = [.. cluster.Resource.Annotations.OfType<ResourceCommandAnnotation>()];
        Assert.Equal(["clear-group", "show-ring"], commands.Select(c => c.Name).Order(StringComparer.Ordinal));
        ResourceCommandAnnotation clear = commands.Single(c => c.Name == "clear-group");
        InteractionInput group = Assert.Single(clear.Arguments);
        Assert.Equal("group", group.Name);
        Assert.True(group.Required);
        Assert.Equal("sessions", group.Value);
        Assert.False(string.IsNullOrEmpty(clear.ConfirmationMessage));
    }

    [Theory]
    [InlineData("Running", true)]
    [InlineData("Starting", false)]
    [InlineData("FailedToStart", false)]
    public void ClearGroup_IsEnabledOnlyOnceTheClusterRuns_ShowRingAlways(string state, bool clearEnabled)
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 1);
        var context = new UpdateCommandStateContext
        {
            ResourceSnapshot = new CustomResourceSnapshot { ResourceType = "CacheCluster", Properties = [], State = state },
            Services = EmptyServices.Instance,
        };

        ResourceCommandAnnotation[] commands = [.. cluster.Resource.Annotations.OfType<ResourceCommandAnnotation>()];
        Assert.Equal(clearEnabled ? ResourceCommandState.Enabled : ResourceCommandState.Disabled, commands.Single(c => c.Name == "clear-group").UpdateState(context));
        Assert.Equal(ResourceCommandState.Enabled, commands.Single(c => c.Name == "show-ring").UpdateState(context));
    }

    [Fact]
    public void EachNode_GetsAClusterViewLink()
    {
        IDistributedApplicationBuilder builder = ModelBuilder.Create();

        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2);

        Assert.All(cluster.Resource.Nodes, node => Assert.Single(node.Annotations.OfType<ResourceUrlsCallbackAnnotation>()));
    }
}

/// <summary>A service provider with nothing in it: deciding a command's state needs no service.</summary>
internal sealed class EmptyServices : IServiceProvider
{
    public static readonly EmptyServices Instance = new();

    public object? GetService(Type serviceType) => null;
}
