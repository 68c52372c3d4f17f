namespace AspireCache.Tests;

/// <summary>A group's hot keys: what <see cref="CacheGroup.HotKeys"/> and the gauge <c>aspirecache.hot_key.rate</c> show.</summary>
public sealed class HotKeysTests
{
    private const string Secret = "hot-keys-tests-key-hash-secret";

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HotKeys_NameEachKeysOwnerInThisNodesRing_AndItsKeyedHash()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        string name = "hot-" + Guid.NewGuid().ToString("N");
        using var cluster = new InProcessCluster(3, name, configure: options =>
        {
            options.TimeProvider = clock;
            options.KeyHashSecret = Secret;
            options.HotKeysCountEveryGet = true;
        });
        CacheGroup node = cluster["cache-0"];
        string[] keys = [.. Enumerable.Range(0, 6).Select(i => "hot:" + i)];
        for (int i = 0; i < keys.Length; i++)
        {
            // Key i is got 10 × (6 - i) times: hot:0 the most.
            for (int n = 0; n < 10 * (keys.Length - i); n++)
            {
                await node.GetAsync(keys[i], TestToken);
            }
        }

        clock.Advance(CacheGroupOptions.HotKeyWindow);
        IReadOnlyList<CacheHotKey> hottest = node.HotKeys();

        Assert.Equal(keys, hottest.Select(h => h.Key));
        var ring = new ConsistentHashRing();
        ring.Add(["cache-0", "cache-1", "cache-2"]);
        Assert.All(hottest, hot =>
        {
            Assert.Equal(ring.GetOwner(hot.Key), hot.Owner);
            Assert.Equal(new TelemetryKeyHash(Secret).Of(hot.Key), hot.Hash);
        });
        Assert.Equal(6.0, hottest[0].GetsPerSecond);
        Assert.Contains(hottest, hot => hot.Owner != "cache-0");
    }

    [Fact]
    public async Task TheGauge_ShowsEachHotKeyByItsHashAndOwner_NeverTheKey_UnlessTheGroupRecordsKeys()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        string name = "hot-gauge-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        var options = new CacheGroupOptions { NodeName = "cache-0", TimeProvider = clock, KeyHashSecret = Secret, HotKeysCountEveryGet = true };
        using var group = new CacheGroup(name, (_, _) => ValueTask.FromResult<LoadedValue>(new byte[1]), options);
        for (int i = 0; i < 30; i++)
        {
            await group.GetAsync("user:42", TestToken);
        }

        clock.Advance(CacheGroupOptions.HotKeyWindow);
        (double rate, Dictionary<string, object?> tags) = Assert.Single(metrics.ObservedWithTags("aspirecache.hot_key.rate"));

        Assert.Equal(3.0, rate);
        Assert.Equal(new TelemetryKeyHash(Secret).Of("user:42"), tags["aspirecache.key.hash"]);
        Assert.Equal("cache-0", tags["aspirecache.owner"]);
        Assert.False(tags.ContainsKey("aspirecache.key"));
        Assert.DoesNotContain(tags.Values, value => value is string text && text.Contains("user:42", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EvenAGroupThatRecordsKeys_NeverPutsAKeyInClearIntoTheGauge()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        string name = "hot-keys-recorded-" + Guid.NewGuid().ToString("N");
        using var metrics = new MetricsRecorder(name);
        var options = new CacheGroupOptions { TimeProvider = clock, KeyHashSecret = Secret, RecordKeys = true, HotKeysCountEveryGet = true };
        using var group = new CacheGroup(name, (_, _) => ValueTask.FromResult<LoadedValue>(new byte[1]), options);
        await group.GetAsync("user:42", TestToken);

        clock.Advance(CacheGroupOptions.HotKeyWindow);
        (_, Dictionary<string, object?> tags) = Assert.Single(metrics.ObservedWithTags("aspirecache.hot_key.rate"));

        Assert.False(tags.ContainsKey("aspirecache.key"));
        Assert.Equal(new TelemetryKeyHash(Secret).Of("user:42"), tags["aspirecache.key.hash"]);
        Assert.Equal("user:42", Assert.Single(group.HotKeys()).Key);
    }

    [Fact]
    public async Task AHotKeyPrinted_ShowsItsHash_NotTheKey()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var group = new CacheGroup("hot-print", (_, _) => ValueTask.FromResult<LoadedValue>(new byte[1]), new CacheGroupOptions { TimeProvider = clock, KeyHashSecret = Secret, HotKeysCountEveryGet = true });
        await group.GetAsync("user:42", TestToken);

        clock.Advance(CacheGroupOptions.HotKeyWindow);
        string printed = Assert.Single(group.HotKeys()).ToString();

        Assert.DoesNotContain("user:42", printed, StringComparison.Ordinal);
        Assert.Contains(new TelemetryKeyHash(Secret).Of("user:42"), printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HotKeysZero_TracksNothing()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var group = new CacheGroup("hot-off", (_, _) => ValueTask.FromResult<LoadedValue>(new byte[1]), new CacheGroupOptions { TimeProvider = clock, HotKeys = 0, HotKeysCountEveryGet = true });
        await group.GetAsync("k", TestToken);

        clock.Advance(CacheGroupOptions.HotKeyWindow);
        Assert.Empty(group.HotKeys());
    }

    [Fact]
    public async Task AGetOfADisposedGroup_StillSucceeds()
    {
        var group = new CacheGroup("hot-disposed", (_, _) => ValueTask.FromResult<LoadedValue>(new byte[1]));
        group.Dispose();

        CacheResult result = await group.GetAsync("k", TestToken);

        Assert.Equal(1, result.Value.Length);
    }
}
