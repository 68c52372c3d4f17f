namespace AspireCache;

/// <summary>Another node of the cluster, asked for a key that it owns.</summary>
public interface ICachePeer
{
    /// <summary>The peer's member name on the ring.</summary>
    string Name { get; }

    /// <summary>Gets a key of a group from the peer, which serves it from its store or its own loader and never forwards it.</summary>
    /// <exception cref="Exception">Any failure: the caller then loads the key itself.</exception>
    ValueTask<ReadOnlyMemory<byte>> GetAsync(string group, string key, CancellationToken cancellationToken);
}
