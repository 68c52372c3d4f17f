using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// The node of <see cref="CacheNodeFactory"/> on a fake clock, with a time to live without jitter, stale
/// serving on source failures, and a small value limit.
/// </summary>
public sealed class LifetimeNodeFactory : CacheNodeFactory
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan StaleIfError = TimeSpan.FromMinutes(10);

    public const int MaxValueBytes = 4096;

    /// <summary>The node's clock: lifetimes move only when a test advances it.</summary>
    public FakeTimeProvider Clock { get; } = new();

    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        settings[$"Cache:Groups:{Group}:TimeToLive"] = TimeToLive.ToString("c");
        settings[$"Cache:Groups:{Group}:TimeToLiveJitter"] = "0";
        settings[$"Cache:Groups:{Group}:StaleIfError"] = StaleIfError.ToString("c");
        settings[$"Cache:Groups:{Group}:MaxValueBytes"] = MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override void AddServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}
