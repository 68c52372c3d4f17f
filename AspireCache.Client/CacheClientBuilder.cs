using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace AspireCache.Client;

/// <summary>What <c>AddCacheClient</c> or <c>AddKeyedCacheClient</c> registered, for adding what builds on that connection's client.</summary>
public sealed class CacheClientBuilder
{
    internal CacheClientBuilder(IServiceCollection services, string connectionName)
    {
        Services = services;
        ConnectionName = connectionName;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The connection's name: <c>ConnectionStrings:{name}</c> lists the members, and the client is registered keyed by it.</summary>
    public string ConnectionName { get; }

    /// <summary>
    /// Registers an <see cref="IDistributedCache"/> over one group of the cluster (see
    /// <see cref="CacheGroupDistributedCache"/> for what it cannot do), for code written against that
    /// interface and for <c>HybridCache</c>, which uses it as its distributed tier. It goes through this
    /// connection's client, whichever client is registered unkeyed.
    /// </summary>
    /// <param name="group">The group; best one without a data source, whose misses answer 404.</param>
    public CacheClientBuilder AddDistributedCache(string group)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        Services.AddSingleton<IDistributedCache>(services => new CacheGroupDistributedCache(
            services.GetRequiredKeyedService<ICacheClient>(ConnectionName),
            group,
            services.GetService<TimeProvider>()));
        return this;
    }
}
