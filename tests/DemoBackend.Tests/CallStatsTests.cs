namespace DemoBackend.Tests;

/// <summary>The backend's call counts stay bounded however many distinct keys are read.</summary>
public class CallStatsTests
{
    [Fact]
    public void ManyDistinctKeys_KeepOnlyTheMostRecentlyCalled_AndTheTotalCountsThemAll()
    {
        var stats = new CallStats(trackedKeys: 3);

        foreach (string key in new[] { "a", "b", "c", "a", "d", "e" })
        {
            stats.Count(key, traceId: $"trace-{key}");
        }

        CallStats.Snapshot snapshot = stats.Read();
        Assert.Equal(6, snapshot.Total);
        Assert.Equal(["a", "d", "e"], snapshot.PerKey.Keys);
        Assert.Equal(2, snapshot.PerKey["a"]);
        Assert.Equal(["a", "d", "e"], snapshot.LastTraceIds.Keys);
        Assert.Equal(2, snapshot.ForgottenKeys); // b, then c: the least recently called
    }

    [Fact]
    public void AKeyCalledAgain_KeepsItsCount_AndItsLastTraceId()
    {
        var stats = new CallStats(trackedKeys: 10);

        stats.Count("k", "first");
        stats.Count("k", null);
        stats.Count("k", "third");

        CallStats.Snapshot snapshot = stats.Read();
        Assert.Equal(3, snapshot.PerKey["k"]);
        Assert.Equal("third", snapshot.LastTraceIds["k"]);
    }

    [Fact]
    public void Reset_ForgetsEverything()
    {
        var stats = new CallStats(trackedKeys: 1);
        stats.Count("a", null);
        stats.Count("b", null);

        stats.Reset();

        CallStats.Snapshot snapshot = stats.Read();
        Assert.Equal(0, snapshot.Total);
        Assert.Empty(snapshot.PerKey);
        Assert.Equal(0, snapshot.ForgottenKeys);
    }
}
