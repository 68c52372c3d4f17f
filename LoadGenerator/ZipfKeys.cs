namespace LoadGenerator;

/// <summary>
/// Draws key ranks 0 … n-1 with Zipf's law: rank <c>r</c> (counted from 1) is drawn in proportion to
/// <c>1 / r^skew</c>. The cumulative distribution is computed once (8 bytes per key) and a draw is a
/// binary search over it, so a draw costs O(log n) and allocates nothing.
/// </summary>
internal sealed class ZipfKeys
{
    private readonly double[] _cumulative;

    public ZipfKeys(int count, double skew)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(skew);

        _cumulative = new double[count];
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            total += 1.0 / Math.Pow(i + 1, skew);
            _cumulative[i] = total;
        }

        for (int i = 0; i < count; i++)
        {
            _cumulative[i] /= total;
        }

        // Rounding must not leave the last rank unreachable.
        _cumulative[count - 1] = 1.0;
    }

    /// <summary>How many ranks there are.</summary>
    public int Count => _cumulative.Length;

    /// <summary>A rank, 0 being the most popular.</summary>
    public int Next(Random random)
    {
        double u = random.NextDouble();
        int index = Array.BinarySearch(_cumulative, u);

        // Not found: the complement is the first rank whose cumulative share exceeds u.
        return index >= 0 ? index : ~index;
    }
}
