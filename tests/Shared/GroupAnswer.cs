namespace AspireCache.Testing;

/// <summary>One group in a node's <c>/cluster</c> answer: how full its store and its hot cache are.</summary>
internal sealed record GroupAnswer(string Name, int Entries, long Bytes, long CapacityBytes, int HotEntries, long HotBytes, long HotCapacityBytes);
