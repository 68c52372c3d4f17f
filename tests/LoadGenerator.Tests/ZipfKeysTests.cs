namespace LoadGenerator.Tests;

public sealed class ZipfKeysTests
{
    private const int Draws = 200_000;

    [Fact]
    public void SkewZero_DrawsEveryKeyEquallyOften()
    {
        long[] counts = Count(new ZipfKeys(10, skew: 0));

        foreach (long count in counts)
        {
            Assert.InRange(count, Draws / 10 * 0.95, Draws / 10 * 1.05);
        }
    }

    [Fact]
    public void SkewOne_DrawsRankOneInProportionToOneOverTheHarmonicNumber()
    {
        const int keys = 1000;
        long[] counts = Count(new ZipfKeys(keys, skew: 1.0));

        // Zipf with exponent 1: P(rank r) = (1/r) / H(n). H(1000) ≈ 7.485, so the top key takes ≈ 13.4 %, the second half of that.
        double harmonic = Enumerable.Range(1, keys).Sum(r => 1.0 / r);
        Assert.InRange(counts[0] / (double)Draws, (1 / harmonic) - 0.005, (1 / harmonic) + 0.005);
        Assert.InRange(counts[1] / (double)counts[0], 0.45, 0.55);
        Assert.True(counts[0] > counts[9] && counts[9] > counts[99], $"counts of ranks 1, 10, 100: {counts[0]}, {counts[9]}, {counts[99]}");
    }

    [Fact]
    public void SteepSkew_StillReachesTheLastKey()
    {
        // P(rank 3) = 3^-5 / (1 + 2^-5 + 3^-5) ≈ 0.4 %: about 800 of 200,000.
        long[] counts = Count(new ZipfKeys(3, skew: 5));

        Assert.InRange(counts[2], 500, 1100);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NoKeys_IsRefused(int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfKeys(count, 1.0));

    private static long[] Count(ZipfKeys keys)
    {
        var random = new Random(42);
        long[] counts = new long[keys.Count];
        for (int i = 0; i < Draws; i++)
        {
            counts[keys.Next(random)]++;
        }

        return counts;
    }
}
