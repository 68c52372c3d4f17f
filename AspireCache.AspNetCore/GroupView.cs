namespace AspireCache.AspNetCore;

/// <summary>One group in <c>GET /cluster</c>: how full its store and hot cache are, and its hot keys on this node.</summary>
internal sealed record GroupView(string Name, int Entries, long Bytes, long CapacityBytes, int HotEntries, long HotBytes, long HotCapacityBytes, HotKeyView[] HotKeys)
{
    public static GroupView Of(CacheGroup group)
    {
        CacheStoreStats store = group.StoreStats;
        CacheStoreStats hot = group.HotStoreStats;
        return new GroupView(group.Name, store.Count, store.Bytes, store.CapacityBytes, hot.Count, hot.Bytes, hot.CapacityBytes, HotKeyView.Of(group));
    }
}
