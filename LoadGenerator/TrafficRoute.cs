namespace LoadGenerator;

/// <summary>How the load generator reaches the cluster.</summary>
public enum TrafficRoute
{
    /// <summary>
    /// Each read goes to the next node in turn, whoever owns the key, as a load balancer in front of the
    /// nodes would send it: most reads cross to the owner, so peer fetches, hot hits and collapses show.
    /// </summary>
    Nodes,

    /// <summary>Each read goes straight to the key's owner through the owner-routing client: one hop, no peer fetches.</summary>
    Owner,
}
