using System.Numerics;

namespace AspireCache;

/// <summary>
/// A counter that many threads bump on a hot path without contending: one count per stripe, a cache line
/// apart, chosen by thread, and read as their sum.
/// </summary>
/// <remarks>
/// The increments are plain, not interlocked: two threads that share a stripe and increment at the same
/// moment can lose one count. That is the price of a bump costing about as much as a field write, and is
/// fine for a count that only feeds an estimate (<see cref="HitRatioEstimator"/>); never use it for totals
/// that must add up.
/// </remarks>
internal sealed class StripedCounter
{
    private const int LongsPerLine = 8; // 64 bytes: a stripe per cache line

    private readonly long[] _counts;
    private readonly int _stripeMask;

    public StripedCounter()
    {
        int stripes = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount * 2, 2, 64));
        _stripeMask = stripes - 1;

        // One line more, so that the first stripe does not share a line with the array's header.
        _counts = new long[(stripes + 1) * LongsPerLine];
    }

    public void Increment() => _counts[((Environment.CurrentManagedThreadId & _stripeMask) + 1) * LongsPerLine]++;

    /// <summary>The sum of the stripes; increments under way may or may not be in it.</summary>
    public long Read()
    {
        long sum = 0;
        for (int i = LongsPerLine; i < _counts.Length; i += LongsPerLine)
        {
            sum += Volatile.Read(ref _counts[i]);
        }

        return sum;
    }
}
