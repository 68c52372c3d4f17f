using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>The fixed <c>Cache:Members</c>, each reached by its service-discovery name (<c>http://cache-1</c>).</summary>
internal sealed class StaticMembershipSource(IOptions<CacheNodeOptions> options) : IMembershipSource
{
    private readonly IReadOnlyList<ClusterMember> _members = [.. options.Value.Members.Distinct(StringComparer.Ordinal).Select(Of)];

    /// <summary>A member named for service discovery, which resolves <c>http://{name}</c>.</summary>
    public static ClusterMember Of(string name) => new(name, new Uri($"http://{name}"));

    public ValueTask<IReadOnlyList<ClusterMember>> GetMembersAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_members);
}
