using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>The cluster's state in the dashboard: it runs no process, so it says how far its nodes are.</summary>
/// <remarks>
/// The cluster is Starting until every node has been healthy once, then Running. A node that stops
/// (FailedToStart, Exited or Finished) before it was ever healthy makes the cluster FailedToStart, so that
/// a dependant that waits with <c>WaitBehavior.StopOnResourceUnavailable</c> fails instead of waiting for
/// ever; when that node is started again the cluster is Starting again. The cluster stays Running when a
/// node goes down later: the ring keeps serving without a member, and each node shows its own state.
/// <c>WaitFor(cluster)</c> therefore waits until the whole ring has come up.
/// </remarks>
internal static class CacheClusterState
{
    public static void Report(IResourceBuilder<CacheClusterResource> cluster) =>
        cluster.OnInitializeResource(async (resource, initialize, cancellationToken) =>
        {
            ResourceNotificationService notifications = initialize.Notifications;
            string state = KnownResourceStates.Starting;
            await notifications.PublishUpdateAsync(resource, snapshot => snapshot with { State = state }).ConfigureAwait(false);

            var upOnce = new HashSet<IResource>();
            var stopped = new HashSet<IResource>();
            await foreach (ResourceEvent update in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!IsNode(resource, update.Resource) || upOnce.Contains(update.Resource))
                {
                    continue;
                }

                // Health alone, not WaitForResourceHealthyAsync, which also waits for the node's ready-event handlers.
                if (update.Snapshot.HealthStatus == HealthStatus.Healthy)
                {
                    upOnce.Add(update.Resource);
                    stopped.Remove(update.Resource);
                }
                else if (KnownResourceStates.TerminalStates.Contains(update.Snapshot.State?.Text))
                {
                    stopped.Add(update.Resource);
                }
                else
                {
                    // Started again: it may yet come up.
                    stopped.Remove(update.Resource);
                }

                string next = upOnce.Count == resource.Nodes.Count ? KnownResourceStates.Running
                    : stopped.Count > 0 ? KnownResourceStates.FailedToStart
                    : KnownResourceStates.Starting;
                if (next != state)
                {
                    state = next;
                    await PublishAsync(notifications, resource, state).ConfigureAwait(false);
                }

                if (state == KnownResourceStates.Running)
                {
                    return;
                }
            }
        });

    private static Task PublishAsync(ResourceNotificationService notifications, CacheClusterResource cluster, string state) =>
        notifications.PublishUpdateAsync(cluster, snapshot => snapshot with
        {
            State = state,
            StartTimeStamp = state == KnownResourceStates.Running ? DateTime.UtcNow : snapshot.StartTimeStamp,
        });

    private static bool IsNode(CacheClusterResource cluster, IResource resource)
    {
        foreach (ProjectResource node in cluster.Nodes)
        {
            if (ReferenceEquals(node, resource))
            {
                return true;
            }
        }

        return false;
    }
}
