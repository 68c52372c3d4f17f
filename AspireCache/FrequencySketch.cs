using System.Numerics;

namespace AspireCache;

/// <summary>
/// Estimates how often each key was seen recently, in a fixed amount of memory: a count-min sketch of
/// 4-bit counters whose counts are halved every <see cref="SampleSize"/> increments, so that old
/// popularity fades.
/// </summary>
/// <remarks>
/// Each key maps to one counter in each of four rows; its estimate is the smallest of the four, which
/// can overstate (when other keys share all four counters) but never understate a count since the last
/// halving. Increments race without locks: two threads counting one key at once may count it once, which
/// only delays an admission. Keys are hashed with the process's randomised string hash, so that clients
/// cannot choose keys that collide on purpose.
/// </remarks>
internal sealed class FrequencySketch
{
    private const int Rows = 4;
    private const byte MaxCount = 15;

    private readonly byte[] _counters;
    private readonly int _rowMask;
    private int _samples;

    /// <summary>Creates a sketch sized for about <paramref name="expectedKeys"/> distinct keys in a window.</summary>
    public FrequencySketch(int expectedKeys)
    {
        int width = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expectedKeys, 64, 1 << 22));
        _counters = new byte[width * Rows];
        _rowMask = width - 1;
        SampleSize = width * 10;
    }

    /// <summary>Increments after which every count is halved.</summary>
    public int SampleSize { get; }

    /// <summary>Counts one sighting of <paramref name="key"/>.</summary>
    public void Increment(string key)
    {
        uint hash = (uint)key.GetHashCode(StringComparison.Ordinal);
        for (int row = 0; row < Rows; row++)
        {
            ref byte counter = ref _counters[Index(hash, row)];
            if (counter < MaxCount)
            {
                counter++;
            }
        }

        if (Interlocked.Increment(ref _samples) >= SampleSize)
        {
            Halve();
        }
    }

    /// <summary>How often <paramref name="key"/> was seen recently, at least.</summary>
    public int Estimate(string key)
    {
        uint hash = (uint)key.GetHashCode(StringComparison.Ordinal);
        int estimate = MaxCount;
        for (int row = 0; row < Rows; row++)
        {
            estimate = Math.Min(estimate, _counters[Index(hash, row)]);
        }

        return estimate;
    }

    private int Index(uint hash, int row)
    {
        // A different odd multiplier per row spreads one hash over four independent-enough columns.
        uint mixed = (hash + (uint)row) * Multipliers[row];
        mixed ^= mixed >> 15;
        return (row * (_rowMask + 1)) + (int)(mixed & (uint)_rowMask);
    }

    private void Halve()
    {
        // One thread wins the reset; the others keep counting into the halved counters.
        if (Interlocked.Exchange(ref _samples, 0) < SampleSize)
        {
            return;
        }

        for (int i = 0; i < _counters.Length; i++)
        {
            _counters[i] >>= 1;
        }
    }

    private static readonly uint[] Multipliers = [0x9E3779B1u, 0x85EBCA77u, 0xC2B2AE3Du, 0x27D4EB2Fu];
}
