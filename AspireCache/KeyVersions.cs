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
/// </remarks>
internal sealed class KeyVersions
{
    private const int Stripes = 4096; // A power of two: 32 KiB, one false stop per 4,096 concurrent flights.

    private readonly long[] _versions = new long[Stripes];

    public long Read(string key) => Volatile.Read(ref _versions[StripeOf(key)]);

    public void Bump(string key) => Interlocked.Increment(ref _versions[StripeOf(key)]);

    private static int StripeOf(string key) => key.GetHashCode() & (Stripes - 1);
}
