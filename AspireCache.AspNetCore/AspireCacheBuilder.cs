namespace AspireCache.AspNetCore;

/// <summary>The builder that <c>AddAspireCache</c> hands out.</summary>
internal sealed class AspireCacheBuilder(IServiceCollection services) : IAspireCacheBuilder
{
    public IServiceCollection Services { get; } = services;
}
