namespace AspireCache.AspNetCore;

/// <summary>Where a verdict on a peer comes from.</summary>
internal enum PeerSignal
{
    /// <summary>A fetch through the peer API.</summary>
    Fetch,

    /// <summary>A probe of the peer's liveness endpoint.</summary>
    Probe,
}
