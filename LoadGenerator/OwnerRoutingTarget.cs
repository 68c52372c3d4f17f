using AspireCache;
using AspireCache.Client;

namespace LoadGenerator;

/// <summary>Sends each read straight to its key's owner through the owner-routing client: no peer hop.</summary>
internal sealed class OwnerRoutingTarget(ICacheClient client) : ITrafficTarget
{
    public async Task<string> ReadAsync(string group, string key, CancellationToken cancellationToken)
    {
        try
        {
            CacheGetResult result = await client.GetAsync(group, key, cancellationToken);
            return CacheSourceNames.NameOf(result.Source);
        }
        catch (CacheKeyNotFoundException)
        {
            return "not-found";
        }
    }
}
