namespace AspireCache;

/// <summary>
/// A removal, write or clear reached this node and its owner, but some members of the ring did not
/// acknowledge it: until they have dropped what they hold, they may serve the old value.
/// </summary>
public sealed class CacheInvalidationException : Exception
{
    /// <summary>Creates the exception for the members that did not acknowledge.</summary>
    public CacheInvalidationException(string group, IReadOnlyList<string> members)
        : base($"Members {string.Join(", ", members)} of group '{group}' did not acknowledge the change.")
    {
        Group = group;
        Members = members;
    }

    /// <summary>The group.</summary>
    public string Group { get; }

    /// <summary>The members that did not acknowledge, by name.</summary>
    public IReadOnlyList<string> Members { get; }
}
