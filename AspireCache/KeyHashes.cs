namespace AspireCache;

/// <summary>The hash functions the ring offers.</summary>
public static class KeyHashes
{
    /// <summary>XXH3, 64 bits, seed 0: fast, well distributed and the same on every platform.</summary>
    public static KeyHash XxHash3 { get; } = static data => System.IO.Hashing.XxHash3.HashToUInt64(data);
}
