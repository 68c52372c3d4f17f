namespace AspireCache.AspNetCore;

/// <summary>
/// What <c>services.AddAspireCache()</c> returns: the application's services, to which the extension
/// methods of <see cref="Microsoft.Extensions.DependencyInjection.AspireCacheBuilderExtensions"/> add
/// groups whose source is given in code.
/// </summary>
public interface IAspireCacheBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
