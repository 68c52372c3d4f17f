namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// The defaults the README documents ("The engine", "Configuration", "Failure behaviour"), as the numbers
/// it states, never computed from the <c>Default*</c> constants they check: a change of a default is a
/// deliberate change of this class and of the README. Other tests that rely on a default write its number.
/// </summary>
public sealed class DocumentedDefaultsTests
{
    [Theory]
    [InlineData("engine")]
    [InlineData("node")]
    public void AGroup_ByDefault_HasTheDocumentedLimitsAndTimings(string madeBy)
    {
        CacheGroupOptions options = madeBy == "engine" ? new CacheGroupOptions() : new CacheGroupSettings().ToGroupOptions();

        Assert.Equal(64L * 1024 * 1024, options.CapacityBytes);
        Assert.Equal(1.0 / 8, options.HotCacheShare);
        Assert.Equal(1024 * 1024, options.MaxValueBytes);
        Assert.Equal(250, options.MaxKeyBytes);
        Assert.Equal(32, options.MaxConcurrentLoads);
        Assert.Equal(TimeSpan.FromSeconds(10), options.LoadTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.FailureBackoff);
        Assert.Equal(TimeSpan.Zero, options.NotFoundTtl);
        Assert.Equal(TimeSpan.Zero, options.TimeToLive);
        Assert.Equal(0.1, options.TimeToLiveJitter);
        Assert.Equal(0, options.RefreshAhead);
        Assert.Equal(TimeSpan.Zero, options.StaleIfError);
        Assert.Equal(10, options.HotKeys);
        Assert.False(options.MissRatioCurve);
        Assert.False(options.RecordKeys);
    }

    [Fact]
    public void ANode_ByDefault_HasTheDocumentedPeerTimingsLeaseAndHandOffWindow()
    {
        var options = new CacheNodeOptions();

        Assert.Equal(TimeSpan.FromSeconds(1), options.PeerTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ProbeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ProbeTimeout);
        Assert.Equal(2, options.FailuresToEject);
        Assert.Equal(2, options.SuccessesToRejoin);
        Assert.Equal(TimeSpan.FromSeconds(6), MemoryLease.LeaseOf(options));
        Assert.Equal(TimeSpan.FromSeconds(30), options.HandOffWindow);
        Assert.Equal(TimeSpan.FromSeconds(5), options.MembersRefreshInterval);
    }

    [Fact]
    public async Task AStoredEntry_CountsItsKeyAndValueObjectsAnd88Bytes_AndTheHotCacheAnEighthOfTheCapacity()
    {
        using var group = new CacheGroup("defaults-" + Guid.NewGuid().ToString("N"), (_, _) => ValueTask.FromResult<LoadedValue>(new byte[100]));

        await group.GetAsync("user:0000000", TestContext.Current.CancellationToken);

        // The README's example: a 12-char key (48 bytes) and a 100-byte value (128) make 264 bytes with the 88.
        Assert.Equal(264, group.StoreStats.Bytes);
        Assert.Equal(56L * 1024 * 1024, group.StoreStats.CapacityBytes);
        Assert.Equal(8L * 1024 * 1024, group.HotStoreStats.CapacityBytes);
    }
}
