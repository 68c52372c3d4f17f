namespace AspireCache.AspNetCore;

/// <summary>The loader of a group without a source (<see cref="CacheGroupSource.None"/>): every key it does not hold is a key that does not exist.</summary>
internal sealed class NoSourceLoader(string group)
{
    public ValueTask<LoadedValue> LoadAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromException<LoadedValue>(new CacheKeyNotFoundException($"Group '{group}' has no source: it holds only the values written to it, and none is held for this key."));
}
