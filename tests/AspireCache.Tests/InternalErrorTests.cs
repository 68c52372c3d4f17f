namespace AspireCache.Tests;

/// <summary>
/// A bug of this process (here an <see cref="InvalidOperationException"/> from a peer's transport) is never
/// taken for a peer's failure: a change goes on to the other members and fails as an internal error, not as
/// "not acknowledged"; a fetch or a hand-off it stops is loaded instead and counted as an internal error, by site.
/// </summary>
public class InternalErrorTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    private static string UniqueName() => "internal-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ARemoval_ThatABugStopsAtOneMember_ReachesTheOthers_AndFailsAsAnInternalError()
    {
        string group = UniqueName();
        using var cluster = new InProcessCluster(3, group);
        using var metrics = new MetricsRecorder(group);
        const string key = "removed";
        string taker = cluster.OwnerOf(key);
        string broken = cluster.Nodes.First(node => node != taker);
        string told = cluster.Nodes.First(node => node != taker && node != broken);
        await cluster[told].ServePeerAsync(key, TestToken); // Something for the removal to drop.
        cluster.Broken[broken] = true;

        CacheInternalErrorException error = await Assert.ThrowsAsync<CacheInternalErrorException>(() => cluster[taker].RemoveAsync(key));

        Assert.Equal([broken], error.Members);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(0, cluster[told].StoreStats.Count);
        Assert.Equal(0, cluster[taker].Stats.Unacknowledged);
        Assert.Single(metrics.Recorded(CacheInternalErrors.InstrumentName, (CacheInternalErrors.SiteTag, CacheInternalErrors.Change)));
    }

    [Fact]
    public async Task ARemoval_ThatAPeerFailureStops_IsStillNotAcknowledged_NotAnInternalError()
    {
        string group = UniqueName();
        using var cluster = new InProcessCluster(3, group);
        using var metrics = new MetricsRecorder(group);
        const string key = "removed";
        string taker = cluster.OwnerOf(key);
        string down = cluster.Nodes.First(node => node != taker);
        cluster.Down[down] = true;

        CacheInvalidationException error = await Assert.ThrowsAsync<CacheInvalidationException>(() => cluster[taker].RemoveAsync(key));

        Assert.Equal([down], error.Members);
        Assert.Empty(metrics.Recorded(CacheInternalErrors.InstrumentName));
    }

    [Fact]
    public async Task AFetch_ThatABugStops_IsLoadedLocally_AndCountedAsAnInternalError_NotAPeerError()
    {
        string group = UniqueName();
        using var cluster = new InProcessCluster(3, group);
        using var metrics = new MetricsRecorder(group);
        const string key = "fetched";
        string owner = cluster.OwnerOf(key);
        string asker = cluster.NonOwnerOf(key);
        cluster.Broken[owner] = true;

        CacheResult result = await cluster[asker].GetAsync(key, TestToken);

        Assert.Equal(CacheSource.Load, result.Source);
        Assert.Equal(0, cluster[asker].Stats.PeerErrors);
        Assert.Single(metrics.Recorded(CacheInternalErrors.InstrumentName, (CacheInternalErrors.SiteTag, CacheInternalErrors.PeerFetch)));
    }

    [Fact]
    public async Task AHandOff_ThatABugStops_IsLoadedFromTheSource_AndCountedAsAnInternalError()
    {
        using var cluster = new HandOffCluster(["a", "b", "c", "d"]);
        foreach (string node in new[] { "a", "b", "c", "d" })
        {
            cluster.ChangeMembership(node, TimeSpan.Zero, "a", "b", "c", "d");
        }

        string key = Enumerable.Range(0, 300).Select(i => $"key-{i}").First(k => cluster.PickerOf("a").OwnerOf(k) == "d");
        await cluster["a"].GetAsync(key, TestToken);
        cluster.Broken["d"] = true;
        foreach (string node in new[] { "a", "b", "c" })
        {
            cluster.ChangeMembership(node, Window, "a", "b", "c");
        }

        string owner = cluster.PickerOf("a").OwnerOf(key);
        using var metrics = new MetricsRecorder(HandOffCluster.Group);

        Assert.Equal($"{key} v0", HandOffCluster.ValueOf(await cluster[owner].GetAsync(key, TestToken)));
        Assert.Single(cluster.Loads, load => load == (owner, key));
        Assert.Single(metrics.Recorded(CacheInternalErrors.InstrumentName, (CacheInternalErrors.SiteTag, CacheInternalErrors.HandOff)));
    }

    [Theory]
    [InlineData(typeof(HttpRequestException), true)]
    [InlineData(typeof(IOException), true)]
    [InlineData(typeof(TimeoutException), true)]
    [InlineData(typeof(TaskCanceledException), true)]
    [InlineData(typeof(InvalidDataException), true)]
    [InlineData(typeof(InvalidOperationException), false)]
    [InlineData(typeof(NullReferenceException), false)]
    [InlineData(typeof(ArgumentException), false)]
    [InlineData(typeof(KeyNotFoundException), false)]
    public void PeerFailures_AreWhatTheNetworkOrAPeerCanCause(Type exception, bool isPeerFailure) =>
        Assert.Equal(isPeerFailure, CachePeerException.IsPeerFailure((Exception)Activator.CreateInstance(exception)!));

    [Fact]
    public void ACachePeerException_IsAPeerFailure_AndNamesThePeer()
    {
        var failure = new CachePeerException("cache-1", "answered 500");

        Assert.True(CachePeerException.IsPeerFailure(failure));
        Assert.Equal("cache-1", failure.Peer);
    }
}
