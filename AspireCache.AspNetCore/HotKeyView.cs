namespace AspireCache.AspNetCore;

/// <summary>
/// One hot key in <c>GET /hotkeys</c> and <c>GET /cluster</c>: its keyed hash (as spans and the metric show it),
/// the key itself only where the group's RecordKeys allows, its owner, and its estimated client gets per second
/// at this node over the last complete 10 s window, with by how much that may be too high.
/// </summary>
internal sealed record HotKeyView(string? Hash, string? Key, string? Owner, double GetsPerSecond, double MaxOverestimate)
{
    public static HotKeyView[] Of(CacheGroup group)
    {
        IReadOnlyList<CacheHotKey> hotKeys = group.HotKeys();
        var views = new HotKeyView[hotKeys.Count];
        for (int i = 0; i < views.Length; i++)
        {
            CacheHotKey hot = hotKeys[i];
            views[i] = new HotKeyView(
                hot.Hash,
                group.RecordKeys ? hot.Key : null,
                hot.Owner,
                Math.Round(hot.GetsPerSecond, 2),
                Math.Round(hot.MaxOverestimate, 2));
        }

        return views;
    }
}
