namespace AspireCache;

/// <summary>One key of <see cref="HotKeyTracker.Hottest"/>: its estimated requests per second on this node, and by how much that may be too high.</summary>
internal readonly record struct HotKeyRate(string Key, double RequestsPerSecond, double MaxOverestimate);
