using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>The cluster's state in the dashboard: it runs no process, so it says how far its nodes are.</summary>
/// <remarks>
/// The cluster is Starting until every node has been healthy once, then Running. It stays Running when a
/// node goes down later: the ring keeps serving without a member, and each node shows its own state.
/// <c>WaitFor(cluster)</c> therefore waits until the whole ring has come up.
/// </remarks>
internal static class CacheClusterState
{
    public static void Report(IResourceBuilder<CacheClusterResource> cluster) =>
        cluster.OnInitializeResource(async (resource, initialize, cancellationToken) =>
        {
            await initialize.Notifications.PublishUpdateAsync(resource, snapshot => snapshot with { State = KnownResourceStates.Starting }).ConfigureAwait(false);
            // Health alone, not WaitForResourceHealthyAsync, which also waits for the node's ready-event handlers.
            foreach (ProjectResource node in resource.Nodes)
            {
                await initialize.Notifications.WaitForResourceAsync(node.Name, e => e.Snapshot.HealthStatus == HealthStatus.Healthy, cancellationToken).ConfigureAwait(false);
            }

            await initialize.Notifications.PublishUpdateAsync(resource, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            }).ConfigureAwait(false);
        });
}
