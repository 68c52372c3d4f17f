namespace AspireCache;

/// <summary>One key of <see cref="HotKeyTracker.HotKeys"/>: its estimated gets per second on this node, and by how much that may be too high.</summary>
internal readonly record struct HotKeyRate(string Key, double GetsPerSecond, double MaxOverestimate);
