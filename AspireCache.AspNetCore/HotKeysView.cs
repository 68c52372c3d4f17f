namespace AspireCache.AspNetCore;

/// <summary>
/// The body of <c>GET /hotkeys</c>: this node's name, the nominal window of the rates, and each group's most
/// requested keys at this node, with their owners. Summed over the nodes (as the dashboard's hot-key table does
/// with the metric), they approximate the cluster's hot keys: a key that is busy everywhere but in no node's list is missed.
/// </summary>
internal sealed record HotKeysView(string Name, double WindowSeconds, IReadOnlyDictionary<string, HotKeyView[]> Groups)
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
