using System.Text;

namespace AspireCache.Tests;

public class ConsistentHashRingTests
{
    // A hash whose positions can be worked out by hand: the number the bytes spell.
    private static readonly KeyHash DigitsHash = data => ulong.Parse(Encoding.UTF8.GetString(data).Replace("#", string.Empty));

    private static string[] RandomKeys(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString("N") + random.Next()).ToArray();
    }

    [Fact]
    public void GetOwner_PicksTheFirstPointClockwise_AndWrapsAround()
    {
        // Members "2", "4", "6" with 3 points each sit at 20,21,22 / 40,41,42 / 60,61,62.
        var ring = new ConsistentHashRing(pointsPerMember: 3, hash: DigitsHash);
        ring.Add("6", "4", "2");

        Assert.Equal("2", ring.GetOwner("2"));   // before the first point
        Assert.Equal("2", ring.GetOwner("21"));  // exactly on a point
        Assert.Equal("4", ring.GetOwner("23"));  // between members
        Assert.Equal("6", ring.GetOwner("47"));
        Assert.Equal("2", ring.GetOwner("63"));  // past the last point, wraps to the first

        ring.Add("8");
        Assert.Equal("8", ring.GetOwner("63"));
    }

    [Fact]
    public void GetOwner_OnAnEmptyRing_IsNull()
    {
        Assert.Null(new ConsistentHashRing().GetOwner("anything"));
    }

    [Fact]
    public void GetOwner_DoesNotDependOnTheOrderMembersWereAdded()
    {
        var forward = new ConsistentHashRing();
        forward.Add("cache-0", "cache-1", "cache-2");
        var backward = new ConsistentHashRing();
        backward.Add("cache-2");
        backward.Add("cache-1", "cache-0");

        foreach (string key in RandomKeys(2_000, seed: 1))
        {
            Assert.Equal(forward.GetOwner(key), backward.GetOwner(key));
        }
    }

    [Fact]
    public void DefaultHash_IsStableAcrossProcesses()
    {
        // Pinned values: if these change, nodes of different versions would disagree on every owner.
        Assert.Equal(0x2D06800538D394C2UL, KeyHashes.XxHash3([]));
        var ring = new ConsistentHashRing();
        ring.Add("cache-0", "cache-1", "cache-2");
        Assert.Equal(["cache-0", "cache-1", "cache-2"], ring.Members);
        Assert.Equal(ExpectedOwnersOfPinnedKeys, new[] { "user:1", "user:2", "user:3", "ключ", "a/b c%" }.Select(ring.GetOwner).ToArray());
    }

    private static readonly string?[] ExpectedOwnersOfPinnedKeys = ["cache-1", "cache-1", "cache-0", "cache-0", "cache-0"];

    [Fact]
    public void ThreeMembers_OwnNearlyEqualShares()
    {
        var ring = new ConsistentHashRing();
        ring.Add("cache-0", "cache-1", "cache-2");
        string[] keys = RandomKeys(100_000, seed: 2);

        Dictionary<string, int> owned = keys.GroupBy(k => ring.GetOwner(k)!).ToDictionary(g => g.Key, g => g.Count());

        double mean = keys.Length / 3.0;
        Assert.Equal(3, owned.Count);
        Assert.All(owned, pair => Assert.True(pair.Value <= 1.10 * mean, $"{pair.Key} owns {pair.Value} keys, {pair.Value / mean:F3} times the mean"));
    }

    [Fact]
    public void AddingAFourthMember_MovesAQuarterOfKeys_OnlyToTheNewMember()
    {
        var ring = new ConsistentHashRing();
        ring.Add("cache-0", "cache-1", "cache-2");
        string[] keys = RandomKeys(100_000, seed: 3);
        string[] before = keys.Select(k => ring.GetOwner(k)!).ToArray();

        ring.Add("cache-3");

        int moved = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            string after = ring.GetOwner(keys[i])!;
            if (after != before[i])
            {
                Assert.Equal("cache-3", after);
                moved++;
            }
        }

        double share = moved / (double)keys.Length;
        Assert.InRange(share, 0.20, 0.30);
    }

    [Fact]
    public void Remove_GivesTheMembersKeysBackToTheOthers_AndMovesNoOtherKey()
    {
        var ring = new ConsistentHashRing();
        ring.Add("cache-0", "cache-1", "cache-2", "cache-3");
        string[] keys = RandomKeys(20_000, seed: 4);
        string[] before = keys.Select(k => ring.GetOwner(k)!).ToArray();

        Assert.True(ring.Remove("cache-3"));
        Assert.False(ring.Remove("cache-3"));

        for (int i = 0; i < keys.Length; i++)
        {
            string after = ring.GetOwner(keys[i])!;
            Assert.NotEqual("cache-3", after);
            if (before[i] != "cache-3")
            {
                Assert.Equal(before[i], after);
            }
        }
    }

    [Fact]
    public async Task Lookups_WhileMembershipChanges_AlwaysSeeAWholeRing()
    {
        var ring = new ConsistentHashRing(pointsPerMember: 64);
        ring.Add("cache-0", "cache-1");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        Task changer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                ring.Add("cache-2");
                ring.Remove("cache-2");
                ring.SetMembers(["cache-0", "cache-1"]);
            }
        }, TestContext.Current.CancellationToken);

        string[] keys = RandomKeys(1_000, seed: 5);
        int lookups = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (string key in keys)
            {
                string? owner = ring.GetOwner(key);
                Assert.Contains(owner, new[] { "cache-0", "cache-1", "cache-2" });
                lookups++;
            }
        }

        await changer;
        Assert.True(lookups > 0);
    }

    [Fact]
    public void GetOwner_OfAVeryLongKey_MatchesTheUtf8Overload()
    {
        var ring = new ConsistentHashRing();
        ring.Add("a", "b", "c");
        string key = new('é', 5_000);

        Assert.Equal(ring.GetOwner(Encoding.UTF8.GetBytes(key)), ring.GetOwner(key));
    }

    [Fact]
    public void Shares_AddUpToOne_AndMatchTheShareOfKeysEachMemberOwns()
    {
        var ring = new ConsistentHashRing();
        ring.SetMembers(["cache-0", "cache-1", "cache-2"]);
        string[] keys = [.. Enumerable.Range(0, 30_000).Select(i => $"key-{i}")];

        double total = ring.Members.Sum(ring.ShareOf);

        Assert.Equal(1.0, total, precision: 9);
        foreach (string member in ring.Members)
        {
            double owned = keys.Count(k => ring.GetOwner(k) == member) / (double)keys.Length;
            Assert.InRange(ring.ShareOf(member), owned - 0.02, owned + 0.02);
        }

        Assert.Equal(0, ring.ShareOf("stranger"));
        var single = new ConsistentHashRing(pointsPerMember: 1);
        single.SetMembers(["only"]);
        Assert.Equal(1, single.ShareOf("only"));
    }
}
