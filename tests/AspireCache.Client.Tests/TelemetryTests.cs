using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AspireCache.Client.Tests;

public class TelemetryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static MetricCollector<T> Collect<T>(ClientHost host, string instrument)
        where T : struct =>
        new(host.Services.GetRequiredService<IMeterFactory>(), CacheClientDiagnostics.MeterName, instrument);

    [Fact]
    public async Task EachRequest_IsCounted_ByOperationGroupOutcomeAndResult_AndTimed()
    {
        using ClientHost host = ClientHost.Create();
        using MetricCollector<long> requests = Collect<long>(host, "aspirecache.client.requests");
        using MetricCollector<double> duration = Collect<double>(host, "aspirecache.client.request.duration");
        host.Nodes.On("cache-0", (_, _) => Task.FromResult(FakeNodes.Problem(HttpStatusCode.NotFound, CacheHttpProtocol.NoSuchKeyProblem, fromSource: true)));
        var ring = new ConsistentHashRing();
        ring.Add(FakeNodes.Names);
        string missing = Enumerable.Range(0, 1000).Select(i => $"m{i}").First(k => ring.GetOwner(k) == "cache-0");
        string present = Enumerable.Range(0, 1000).Select(i => $"p{i}").First(k => ring.GetOwner(k) == "cache-1");

        await host.Client.GetAsync("demo", present, Token);
        await Assert.ThrowsAsync<CacheKeyNotFoundException>(() => host.Client.GetAsync("demo", missing, Token));

        IReadOnlyList<CollectedMeasurement<long>> counted = requests.GetMeasurementSnapshot();
        Assert.Equal(2, counted.Count);
        Assert.True(counted[0].ContainsTags(new KeyValuePair<string, object?>("aspirecache.operation", "get"), new("aspirecache.group", "demo"), new("aspirecache.outcome", "success"), new("aspirecache.result", "hit")));
        Assert.True(counted[1].ContainsTags(new KeyValuePair<string, object?>("aspirecache.operation", "get"), new("aspirecache.outcome", "not_found")));
        Assert.False(counted[1].ContainsTags("aspirecache.result"));
        Assert.Equal(2, duration.GetMeasurementSnapshot().Count);
        Assert.All(duration.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
    }

    [Fact]
    public async Task ARetry_IsCounted_WithItsReason()
    {
        using ClientHost host = ClientHost.Create();
        using MetricCollector<long> retries = Collect<long>(host, "aspirecache.client.retries");
        using MetricCollector<long> requests = Collect<long>(host, "aspirecache.client.requests");
        host.Nodes.Refuse("cache-0");
        host.Nodes.Refuse("cache-1");
        host.Nodes.Refuse("cache-2");

        await Assert.ThrowsAsync<CacheUnreachableException>(() => host.Client.RemoveAsync("demo", "k", Token));

        CollectedMeasurement<long> retry = Assert.Single(retries.GetMeasurementSnapshot());
        Assert.True(retry.ContainsTags(new KeyValuePair<string, object?>("aspirecache.operation", "remove"), new("aspirecache.reason", "connection")));
        Assert.True(Assert.Single(requests.GetMeasurementSnapshot()).ContainsTags(new KeyValuePair<string, object?>("aspirecache.outcome", "unreachable")));
    }

    [Fact]
    public async Task AGet_HasASpan_WithGroupMemberOwnerRetriedAndTheKeysKeyedHash_NeverTheKey()
    {
        string group = $"span-{Guid.NewGuid():N}";
        const string key = "personal@example.com";
        var spans = new ConcurrentQueue<Activity>();
        using ActivityListener listener = ListenToClientSpans(spans);
        using ClientHost host = ClientHost.Create(settings => settings.KeyHashSecret = "client-tests-key-hash-secret-0123");
        var ring = new ConsistentHashRing();
        ring.Add(FakeNodes.Names);
        string owner = ring.GetOwner(key)!;
        host.Nodes.Refuse(owner);

        CacheGetResult result = await host.Client.GetAsync(group, key, Token);

        Activity span = Assert.Single(spans, s => Equals(s.GetTagItem("aspirecache.group"), group));
        Assert.Equal("aspirecache.client.get", span.OperationName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(owner, span.GetTagItem("aspirecache.owner"));
        Assert.Equal(result.Member, span.GetTagItem("aspirecache.member"));
        Assert.Equal(true, span.GetTagItem("aspirecache.retried"));
        Assert.Equal("hit", span.GetTagItem("aspirecache.result"));
        // The nodes' hash under the same secret (HMAC-SHA256; the value is Python's hmac module's), so client and node spans of one key match.
        Assert.Equal("596367ebfce6fea0", span.GetTagItem("aspirecache.key.hash"));
        Assert.Equal(new TelemetryKeyHash("client-tests-key-hash-secret-0123").Of(key), span.GetTagItem("aspirecache.key.hash"));
        Assert.DoesNotContain(span.TagObjects, t => t.Value is string s && s.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(key, span.DisplayName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheKeyHashSecret_AGetsSpanCarriesNoKeyHash()
    {
        string group = $"span-{Guid.NewGuid():N}";
        var spans = new ConcurrentQueue<Activity>();
        using ActivityListener listener = ListenToClientSpans(spans);
        using ClientHost host = ClientHost.Create();

        await host.Client.GetAsync(group, "user:42", Token);

        Activity span = Assert.Single(spans, s => Equals(s.GetTagItem("aspirecache.group"), group));
        Assert.Null(span.GetTagItem("aspirecache.key.hash"));
    }

    // Every span of the client's activity source, recorded with all its data, as it ends.
    private static ActivityListener ListenToClientSpans(ConcurrentQueue<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CacheClientDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
