namespace AspireCache.Testing;

/// <summary>Draws popularity ranks by Zipf's law: rank k (from 0) in proportion to 1/(k+1)^exponent.</summary>
internal sealed class ZipfRanks
{
    private readonly double[] _cumulative;
    private readonly double _total;

    public ZipfRanks(int count, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _cumulative = new double[count];
        for (int rank = 0; rank < count; rank++)
        {
            _total += 1 / Math.Pow(rank + 1, exponent);
            _cumulative[rank] = _total;
        }
    }

    /// <summary>The next rank, drawn with one <see cref="Random.NextDouble"/> of <paramref name="random"/>.</summary>
    public int Next(Random random)
    {
        int rank = Array.BinarySearch(_cumulative, random.NextDouble() * _total);
        return rank < 0 ? ~rank : rank;
    }
}
