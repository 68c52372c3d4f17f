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
        using Model model = await Model.StartedAsync(nodes: 2, token);

        await model.PublishAsync(0, KnownResourceStates.Running);
        await model.WaitForNodeAsync(0, e => e.Snapshot.HealthStatus == HealthStatus.Healthy, token);
        Assert.Equal(KnownResourceStates.Starting, model.ClusterState);

        await model.PublishAsync(1, KnownResourceStates.Running);
        ResourceEvent running = await model.WaitForClusterAsync(KnownResourceStates.Running, token);
        Assert.Equal("CacheCluster", running.Snapshot.ResourceType);
        Assert.NotNull(running.Snapshot.StartTimeStamp);
    }

    [Theory]
    [InlineData("FailedToStart")]
    [InlineData("Exited")]
    [InlineData("Finished")]
    public async Task Cluster_FailsToStart_WhenANodeStops_BeforeItWasEverHealthy(string stopped)
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        using Model model = await Model.StartedAsync(nodes: 3, token);

        await model.PublishAsync(0, KnownResourceStates.Running);
        await model.PublishAsync(1, KnownResourceStates.Starting);
        await model.PublishAsync(1, stopped);

        ResourceEvent failed = await model.WaitForClusterAsync(KnownResourceStates.FailedToStart, token);
        Assert.Null(failed.Snapshot.StartTimeStamp);
    }

    [Fact]
    public async Task AFailedCluster_StartsAgain_WhenItsStoppedNodeIsRestarted_AndRunsOnceEveryNodeIsHealthy()
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        using Model model = await Model.StartedAsync(nodes: 2, token);
        await model.PublishAsync(0, KnownResourceStates.Exited);
        await model.WaitForClusterAsync(KnownResourceStates.FailedToStart, token);

        await model.PublishAsync(0, KnownResourceStates.Starting);
        await model.WaitForClusterAsync(KnownResourceStates.Starting, token);

        await model.PublishAsync(0, KnownResourceStates.Running);
        await model.PublishAsync(1, KnownResourceStates.Running);
        await model.WaitForClusterAsync(KnownResourceStates.Running, token);
    }

    [Fact]
    public async Task Cluster_StaysRunning_WhenANodeStops_AfterTheRingCameUp()
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        using Model model = await Model.StartedAsync(nodes: 2, token);
        await model.PublishAsync(0, KnownResourceStates.Running);
        await model.PublishAsync(1, KnownResourceStates.Running);
        await model.WaitForClusterAsync(KnownResourceStates.Running, token);

        await model.PublishAsync(1, KnownResourceStates.Exited);
        await model.WaitForNodeAsync(1, e => e.Snapshot.State?.Text == KnownResourceStates.Exited, token);

        Assert.Equal(KnownResourceStates.Running, model.ClusterState);
    }

    [Fact]
    public async Task ADependantThatStopsOnUnavailableResources_Fails_WhenANodeFailsToStart()
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        using Model model = await Model.StartedAsync(nodes: 2, token, (builder, cluster) =>
            builder.AddProject<CacheNodeProject>("storefront", launchProfileName: null)
                .WaitFor(cluster, WaitBehavior.StopOnResourceUnavailable));
        IResource storefront = model.Resource("storefront");
        Task waiting = model.Notifications.WaitForDependenciesAsync(storefront, token);

        await model.PublishAsync(1, KnownResourceStates.FailedToStart);

        await Assert.ThrowsAsync<DistributedApplicationException>(() => waiting.WaitAsync(Patience, token));
    }

    /// <summary>A built application whose cluster has been initialised; nodes' states are published by hand, as the orchestrator would.</summary>
    private sealed class Model : IDisposable
    {
        private readonly DistributedApplication _app;
        private readonly CacheClusterResource _cluster;

        private Model(DistributedApplication app, CacheClusterResource cluster)
        {
            _app = app;
            _cluster = cluster;
            Notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        }

        public ResourceNotificationService Notifications { get; }

        public string? ClusterState =>
            Notifications.TryGetCurrentState(_cluster.Name, out ResourceEvent? current) ? current.Snapshot.State?.Text : null;

        public static async Task<Model> StartedAsync(
            int nodes, CancellationToken token, Action<IDistributedApplicationBuilder, IResourceBuilder<CacheClusterResource>>? more = null)
        {
            IDistributedApplicationBuilder builder = ModelBuilder.Create();
            IResourceBuilder<CacheClusterResource> cluster = builder.AddCacheCluster<CacheNodeProject>("cache", nodes);
            more?.Invoke(builder, cluster);

            // Building asks for the orchestrator's paths, which only an AppHost project has; nothing is started.
            builder.Configuration["DcpPublisher:CliPath"] = "dcp-is-not-run";
            builder.Configuration["DcpPublisher:DashboardPath"] = "dashboard-is-not-run";
            var model = new Model(builder.Build(), cluster.Resource);
            await builder.Eventing.PublishAsync(
                new InitializeResourceEvent(
                    cluster.Resource, builder.Eventing, model._app.Services.GetRequiredService<ResourceLoggerService>(), model.Notifications, model._app.Services),
                EventDispatchBehavior.NonBlockingConcurrent,
                token);
            await model.WaitForClusterAsync(KnownResourceStates.Starting, token);
            return model;
        }

        public IResource Resource(string name) =>
            _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);

        // Without the orchestrator no health check reports, and a running resource without reports is healthy.
        public Task PublishAsync(int node, string state) =>
            Notifications.PublishUpdateAsync(_cluster.Nodes[node], snapshot => snapshot with { State = state });

        public Task<ResourceEvent> WaitForNodeAsync(int node, Func<ResourceEvent, bool> predicate, CancellationToken token) =>
            Notifications.WaitForResourceAsync(_cluster.Nodes[node].Name, predicate, token).WaitAsync(Patience, token);

        public Task<ResourceEvent> WaitForClusterAsync(string state, CancellationToken token) =>
            Notifications.WaitForResourceAsync(_cluster.Name, e => e.Snapshot.State?.Text == state, token).WaitAsync(Patience, token);

        public void Dispose() => _app.Dispose();
    }
}
