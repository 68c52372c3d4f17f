namespace LoadGenerator;

/// <summary>Where a run's reads go: the nodes in turn, or each key's owner.</summary>
internal interface ITrafficTarget
{
    /// <summary>
    /// Reads one key of the group and says how it was served: the cache's result (<c>hit</c>, <c>hot</c>,
    /// <c>peer</c>, <c>load</c>) or <c>not-found</c>. Anything else throws.
    /// </summary>
    Task<string> ReadAsync(string group, string key, CancellationToken cancellationToken);
}
