using Aspire.Hosting.Eventing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireCache.Hosting.Tests;

/// <summary>The cluster's state in the dashboard, driven by its nodes' states as the orchestrator would publish them.</summary>
public sealed class CacheClusterStateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Cluster_IsStarting_UntilEveryNodeIsHealthy_ThenRunning()
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        IDistributedApplicationBuilder builder = ModelBuilder.Create();
        IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes: 2);

        // Building asks for the orchestrator's paths, which only an AppHost project has; nothing is started.
        builder.Configuration["DcpPublisher:CliPath"] = "dcp-is-not-run";
        builder.Configuration["DcpPublisher:DashboardPath"] = "dashboard-is-not-run";
        using DistributedApplication app = builder.Build();
        ResourceNotificationService notifications = app.Services.GetRequiredService<ResourceNotificationService>();

        await builder.Eventing.PublishAsync(
            new InitializeResourceEvent(cluster.Resource, builder.Eventing, app.Services.GetRequiredService<ResourceLoggerService>(), notifications, app.Services),
            EventDispatchBehavior.NonBlockingConcurrent,
            token);
        await notifications.WaitForResourceAsync("cache", KnownResourceStates.Starting, token).WaitAsync(Patience, token);

        await MarkHealthyAsync(notifications, cluster.Resource.Nodes[0]);
        await notifications.WaitForResourceAsync("cache-0", e => e.Snapshot.HealthStatus == HealthStatus.Healthy, token).WaitAsync(Patience, token);
        Assert.True(notifications.TryGetCurrentState("cache", out ResourceEvent? whileOneIsUp));
        Assert.Equal(KnownResourceStates.Starting, whileOneIsUp.Snapshot.State?.Text);

        await MarkHealthyAsync(notifications, cluster.Resource.Nodes[1]);
        ResourceEvent running = await notifications.WaitForResourceAsync("cache", e => e.Snapshot.State?.Text == KnownResourceStates.Running, token).WaitAsync(Patience, token);
        Assert.Equal("CacheCluster", running.Snapshot.ResourceType);
        Assert.NotNull(running.Snapshot.StartTimeStamp);
    }

    // Without the orchestrator no health check reports, and a running resource without reports is healthy.
    private static Task MarkHealthyAsync(ResourceNotificationService notifications, ProjectResource node) =>
        notifications.PublishUpdateAsync(node, snapshot => snapshot with { State = KnownResourceStates.Running });
}
