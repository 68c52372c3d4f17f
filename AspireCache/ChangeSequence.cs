namespace AspireCache;

/// <summary>
/// Numbers every removal, write and clear in this process, in order: a key's version (<see cref="KeyVersions"/>)
/// and a group's last clear are such numbers, so "changed since the membership changed" is one comparison.
/// </summary>
/// <remarks>Process-wide rather than per group, so that the picker can mark a moment once for every group.</remarks>
internal static class ChangeSequence
{
    private static long _last;

    /// <summary>The number of the latest change so far.</summary>
    public static long Last => Volatile.Read(ref _last);

    /// <summary>Takes the next number, larger than every number taken before.</summary>
    public static long Next() => Interlocked.Increment(ref _last);
}
