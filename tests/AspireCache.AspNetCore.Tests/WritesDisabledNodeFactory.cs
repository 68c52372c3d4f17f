namespace AspireCache.AspNetCore.Tests;

/// <summary>The node of <see cref="CacheNodeFactory"/> without an admin secret: writes, removals and clears are off.</summary>
public sealed class WritesDisabledNodeFactory : CacheNodeFactory
{
    protected override void AddSettings(IDictionary<string, string?> settings) => settings["Cache:AdminSecret"] = string.Empty;
}
