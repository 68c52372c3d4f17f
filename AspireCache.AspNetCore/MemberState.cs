namespace AspireCache.AspNetCore;

/// <summary>How this node sees a peer.</summary>
internal enum MemberState
{
    /// <summary>Answering; in the ring.</summary>
    Up,

    /// <summary>Failed recently, not yet often enough to be taken out; still in the ring.</summary>
    Suspect,

    /// <summary>Failed repeatedly; out of the ring until its health probe answers again.</summary>
    Down,
}
