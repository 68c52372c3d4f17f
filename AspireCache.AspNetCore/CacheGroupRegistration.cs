namespace AspireCache.AspNetCore;

/// <summary>A group whose source the application gave in code (<c>AddGroup</c>); its limits still come from <c>Cache:Groups:{name}</c>.</summary>
internal sealed record CacheGroupRegistration(string Name, CacheGroupSource Source);
