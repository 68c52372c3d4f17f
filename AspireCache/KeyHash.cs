using System.IO.Hashing;

namespace AspireCache;

/// <summary>Hashes bytes to a 64-bit position on a <see cref="ConsistentHashRing"/>.</summary>
/// <remarks>Every node of a cluster must use the same function, so it must not depend on the process or machine.</remarks>
public delegate ulong KeyHash(ReadOnlySpan<byte> data);

/// <summary>The hash functions the ring offers.</summary>
public static class KeyHashes
{
    /// <summary>XXH3, 64 bits, seed 0: fast, well distributed and the same on every platform.</summary>
    public static KeyHash XxHash3 { get; } = static data => System.IO.Hashing.XxHash3.HashToUInt64(data);
}
