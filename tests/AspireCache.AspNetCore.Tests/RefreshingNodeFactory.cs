using Microsoft.Extensions.DependencyInjection;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The test node ("solo"), taking its members from <paramref name="members"/> every 100 ms.</summary>
internal sealed class RefreshingNodeFactory(ScriptedMembers members) : CacheNodeFactory
{
    protected override void AddSettings(IDictionary<string, string?> settings) =>
        settings["Cache:MembersRefreshInterval"] = "00:00:00.100";

    protected override void AddServices(IServiceCollection services) =>
        services.AddSingleton<IMembershipSource>(members);
}
