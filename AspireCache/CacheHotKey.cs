using System.Text;

namespace AspireCache;

/// <summary>One of a group's most requested keys on this node (<see cref="CacheGroup.HotKeys"/>).</summary>
/// <param name="Key">The key itself; show it only where the group's <see cref="CacheGroupOptions.RecordKeys"/> allows (it is left out of <see cref="object.ToString"/>).</param>
/// <param name="Hash">The key's <see cref="AspireCache.TelemetryKeyHash"/>, as spans and the hot-key metric show it; null when the group has no <see cref="CacheGroupOptions.KeyHashSecret"/>.</param>
/// <param name="Owner">The member that owns the key in this node's ring; this node's <see cref="CacheGroupOptions.NodeName"/> (null if unnamed) when it owns the key.</param>
/// <param name="GetsPerSecond">Client gets of the key at this node per second over the last complete window (estimated from a sample on a busy node).</param>
/// <param name="MaxOverestimate">How much of that rate may be other keys' gets, counted before this key took over their counter (Space-Saving's bound); 0 when the key held its counter all window.</param>
public sealed record CacheHotKey(string Key, string? Hash, string? Owner, double GetsPerSecond, double MaxOverestimate)
{
    // Keys can be personal data: a hot key written to a log or shown in a debugger gives its hash, not the key.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Hash = {Hash}, Owner = {Owner}, GetsPerSecond = {GetsPerSecond}, MaxOverestimate = {MaxOverestimate}");
        return true;
    }
}
