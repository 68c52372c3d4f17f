namespace AspireCache.AspNetCore.Tests;

/// <summary>A peer that only has a name: for rings and peer health, which never call it.</summary>
internal sealed class NamedPeer(string name) : ICachePeer
{
    public string Name { get; } = name;

    public ValueTask<CacheResult> GetAsync(string group, string key, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask RemoveAsync(string group, string key, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask WriteAsync(string group, string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public ValueTask ClearAsync(string group, bool hotOnly, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
