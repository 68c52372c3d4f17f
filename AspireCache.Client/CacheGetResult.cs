namespace AspireCache.Client;

/// <summary>A value got from the cluster, with what the answering node said about it.</summary>
public sealed class CacheGetResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="value">The value's bytes.</param>
    /// <param name="source">How the node served it.</param>
    /// <param name="member">The member that answered.</param>
    public CacheGetResult(byte[] value, CacheSource source, string member)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrEmpty(member);
        Value = value;
        Source = source;
        Member = member;
    }

    /// <summary>The value's bytes; the caller's own copy.</summary>
    public byte[] Value { get; }

    /// <summary>
    /// How the node served it (<c>X-Cache-Result</c>): <see cref="CacheSource.Hit"/> or
    /// <see cref="CacheSource.Load"/> from the owner; <see cref="CacheSource.Peer"/> or
    /// <see cref="CacheSource.Hot"/> when the request reached a member that is not the owner.
    /// </summary>
    public CacheSource Source { get; }

    /// <summary>The member that answered.</summary>
    public string Member { get; }

    /// <summary>The key's owner as the answering node's ring says (<c>X-Cache-Owner</c>); null when the node did not say.</summary>
    public string? Owner { get; init; }

    /// <summary>True when the value was served past its expiry because its reload failed (<c>X-Cache-Stale</c>).</summary>
    public bool IsStale { get; init; }

    /// <summary>How long ago the value was loaded or written, in whole seconds (<c>Age</c>); null for a value that does not expire.</summary>
    public TimeSpan? Age { get; init; }

    /// <summary>How much longer it may be served, in whole seconds (<c>Cache-Control: max-age</c>); zero when it must not be kept; null when it does not expire.</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>True when the first member asked did not answer and this answer came from the member tried instead.</summary>
    public bool Retried { get; init; }
}
