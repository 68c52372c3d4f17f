namespace AspireCache;

/// <summary>Hashes bytes to a 64-bit position on a <see cref="ConsistentHashRing"/>.</summary>
/// <remarks>Every node of a cluster must use the same function, so it must not depend on the process or machine.</remarks>
public delegate ulong KeyHash(ReadOnlySpan<byte> data);
