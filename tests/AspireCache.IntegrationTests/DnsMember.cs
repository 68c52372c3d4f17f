using System.Net;

namespace AspireCache.IntegrationTests;

/// <summary>
/// A cache node as DNS names it: an SRV record's target host and port, and the target's A record,
/// as a Kubernetes headless Service publishes each pod.
/// </summary>
/// <param name="Target">The SRV target without the trailing dot (e.g. <c>node1.cache.test</c>); also the node's name.</param>
/// <param name="Address">The target's A record: the loopback address the node listens on.</param>
/// <param name="Port">The SRV record's port: the node's HTTP port.</param>
internal sealed record DnsMember(string Target, IPAddress Address, int Port)
{
    /// <summary>The node's base address, as a node makes it from the records (<c>http://A:port</c>).</summary>
    public Uri Url => new($"http://{Address}:{Port}");

    public override string ToString() => $"{Target} ({Address}:{Port})";
}
