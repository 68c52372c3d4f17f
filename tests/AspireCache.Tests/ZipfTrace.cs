namespace AspireCache.Tests;

/// <summary>
/// A seeded trace of key accesses whose popularity follows Zipf's law (the k-th most popular key is accessed
/// in proportion to 1/k^exponent), over keys whose values have sizes spread log-uniformly, as cache traces do.
/// </summary>
internal sealed class ZipfTrace
{
    public ZipfTrace(int seed, int keyCount, int accessCount, double exponent, int minValueBytes, int maxValueBytes)
    {
        var random = new Random(seed);
        Keys = new string[keyCount];
        Values = new byte[keyCount][];
        for (int id = 0; id < keyCount; id++)
        {
            Keys[id] = "item:" + id.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            double logSize = Math.Log(minValueBytes) + (random.NextDouble() * (Math.Log(maxValueBytes) - Math.Log(minValueBytes)));
            Values[id] = new byte[(int)Math.Exp(logSize)];
        }

        // Popularity ranks are shuffled over the ids, so that neither names nor sizes follow popularity.
        int[] byRank = Enumerable.Range(0, keyCount).ToArray();
        random.Shuffle(byRank);
        var ranks = new ZipfRanks(keyCount, exponent);
        Accesses = new int[accessCount];
        for (int i = 0; i < accessCount; i++)
        {
            Accesses[i] = byRank[ranks.Next(random)];
        }
    }

    public string[] Keys { get; }

    public byte[][] Values { get; }

    /// <summary>The ids of the keys accessed, in order.</summary>
    public int[] Accesses { get; }

    /// <summary>The bytes the store accounts for the entry of key <paramref name="id"/>.</summary>
    public long SizeOf(int id) => LruStore.SizeOf(Keys[id], Values[id]);

    /// <summary>The sum of every key's entry size: the capacity at which nothing is ever evicted.</summary>
    public long TotalBytes() => Enumerable.Range(0, Keys.Length).Sum(SizeOf);

    /// <summary>The exact LRU hit ratio of the whole trace at a capacity.</summary>
    public double ExactHitRatio(long capacityBytes)
    {
        var lru = new ExactByteLru(capacityBytes);
        foreach (int id in Accesses)
        {
            lru.Access(Keys[id], SizeOf(id));
        }

        return lru.HitRatio;
    }
}
