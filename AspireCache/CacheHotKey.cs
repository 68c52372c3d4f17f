namespace AspireCache;

/// <summary>One of a group's most requested keys on this node (<see cref="CacheGroup.HotKeys"/>).</summary>
/// <param name="Key">The key itself; show it only where the group's <see cref="CacheGroupOptions.RecordKeys"/> allows.</param>
/// <param name="KeyHash">The key's <see cref="TelemetryKeyHash"/>, as spans and metrics show it; null when the group has no <see cref="CacheGroupOptions.KeyHashSecret"/>.</param>
/// <param name="Owner">The member that owns the key in this node's ring; this node's <see cref="CacheGroupOptions.NodeName"/> (null if unnamed) when it owns the key.</param>
/// <param name="RequestsPerSecond">Gets of the key at this node per second over the last complete window, estimated from a sample.</param>
/// <param name="MaxOverestimate">How much of that rate may be another key's, counted before this key took over its counter (Space-Saving's bound); 0 when the key held its counter all window.</param>
public sealed record CacheHotKey(string Key, string? KeyHash, string? Owner, double RequestsPerSecond, double MaxOverestimate);
