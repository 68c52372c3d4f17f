namespace AspireCache.AspNetCore;

/// <summary>
/// The body of <c>GET /hotkeys</c>: each group's most requested keys at this node, with their owners. Summed
/// over the nodes (as the dashboard's hot-key table does with the metric), they are the cluster's hot keys.
/// </summary>
internal sealed record HotKeysView(string Node, double WindowSeconds, IReadOnlyDictionary<string, HotKeyView[]> Groups)
{
    public static HotKeysView Of(LocalNode node)
    {
        var groups = new SortedDictionary<string, HotKeyView[]>(StringComparer.Ordinal);
        foreach ((string name, CacheGroup group) in node.Groups)
        {
            groups[name] = HotKeyView.Of(group);
        }

        return new HotKeysView(node.Name, CacheGroupOptions.HotKeyWindow.TotalSeconds, groups);
    }
}
