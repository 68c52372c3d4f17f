namespace AspireCache;

/// <summary>A snapshot of one of a group's stores: how full it is and how much it may hold.</summary>
/// <remarks>
/// Each number is read on its own while the store keeps changing, so under load they need not add up to
/// one instant: good for metrics, dashboards and tests that wait for a state, not for accounting.
/// </remarks>
/// <param name="Count">The entries in the store.</param>
/// <param name="Bytes">The bytes the entries account for: each key and value, and a fixed overhead per entry.</param>
/// <param name="CapacityBytes">The most bytes the store may account for; zero for a store that is turned off.</param>
public readonly record struct CacheStoreStats(int Count, long Bytes, long CapacityBytes);
