namespace AspireCache;

/// <summary>
/// A version per stripe of keys, bumped by every removal and write of a key in the stripe, so that a load
/// or peer fetch that started before the removal cannot store the old value after it.
/// </summary>
/// <remarks>
/// A flight reads its key's version when it starts and stores its value only if the version is unchanged,
/// checked under the store's lock (<see cref="LruStore"/>); the removal bumps the version before it takes
/// that lock. Keys share stripes, so a removal can also stop an unrelated key's flight from storing: that
/// value is still served, only loaded again next time. Bounded memory, whatever the number of keys.
/// A version is the <see cref="ChangeSequence"/> number of the stripe's latest change: new at every bump,
/// and comparable with a moment marked by that sequence (see <see cref="ChangedSince"/>).
/// </remarks>
internal sealed class KeyVersions
{
    private const int Stripes = 4096; // A power of two: 32 KiB, one false stop per 4,096 concurrent flights.

    private readonly long[] _versions = new long[Stripes];

    public long Read(string key) => Volatile.Read(ref _versions[StripeOf(key)]);

    // Two bumps of one stripe may land in either order: each writes a number never seen before, which is all a flight's check needs.
    public void Bump(string key) => Volatile.Write(ref _versions[StripeOf(key)], ChangeSequence.Next());

    /// <summary>Whether a key of the stripe was removed or written after the change numbered <paramref name="sequence"/>.</summary>
    public bool ChangedSince(string key, long sequence) => Read(key) > sequence;

    private static int StripeOf(string key) => key.GetHashCode() & (Stripes - 1);
}
