using System.Diagnostics.Metrics;
using System.Net;
using AspireCache.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AspireCache.Client.Tests;

/// <summary>A member that shows it is there but is slow: its request times out, on no other member, and it is not avoided.</summary>
public class SlowMemberTests
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(15);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string KeyOwnedBy(string owner)
    {
        var ring = new ConsistentHashRing();
        ring.Add(FakeNodes.Names);
        return Enumerable.Range(0, 1000).Select(i => $"key-{i}").First(k => ring.GetOwner(k) == owner);
    }

    private static ClientHost Create(WatchedClock clock) => ClientHost.Create(
        time: clock,
        then: client => client.Services.AddLogging(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Debug)));

    /// <summary>Asserts that the member is not avoided: its next key goes to it, first time.</summary>
    private static async Task AssertAskedFirstAsync(ClientHost host, string member, string key)
    {
        host.Nodes.On(member, (_, _) => Task.FromResult(FakeNodes.Hit(member)));
        int before = host.Nodes.CacheRequests.Length;

        CacheGetResult next = await host.Client.GetAsync("demo", key, Token);

        Assert.Equal(member, next.Member);
        Assert.False(next.Retried);
        Assert.Equal(before + 1, host.Nodes.CacheRequests.Length);
    }

    [Fact]
    public async Task Get_WhenTheOwnerAnswersItsLivenessCheck_ButNotWithinLoadTimeout_TimesOut_WithoutRetryingOrAvoidingIt()
    {
        var clock = new WatchedClock();
        using ClientHost host = Create(clock);
        FakeLogCollector logs = host.Services.GetRequiredService<FakeLogCollector>();
        IMeterFactory meters = host.Services.GetRequiredService<IMeterFactory>();
        using var requests = new MetricCollector<long>(meters, CacheClientDiagnostics.MeterName, "aspirecache.client.requests");
        using var retries = new MetricCollector<long>(meters, CacheClientDiagnostics.MeterName, "aspirecache.client.retries");
        host.Nodes.On("cache-1", async (request, ct) =>
        {
            if (request.RequestUri!.AbsolutePath == CacheHttpProtocol.AlivePath)
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound); // Any answer shows it is there.
            }

            await Task.Delay(Timeout.Infinite, ct); // Loading from a source slower than the client waits.
            throw new InvalidOperationException("unreachable");
        });
        string key = KeyOwnedBy("cache-1");

        Task<CacheGetResult> get = host.Client.GetAsync("demo", key, Token);
        await clock.TimerStartedAsync(RequestTimeout, Token);
        clock.Advance(RequestTimeout);
        await Waits.UntilAsync(
            "the client found cache-1 alive",
            () => logs.GetSnapshot().Any(r => r.Message.Contains("cache-1 is slow to answer but alive", StringComparison.Ordinal)),
            cancellationToken: Token);
        Assert.False(get.IsCompleted);
        clock.Advance(LoadTimeout);

        CacheTimeoutException ex = await Assert.ThrowsAsync<CacheTimeoutException>(() => get);
        Assert.Equal("cache-1", ex.Member);
        Assert.Equal(LoadTimeout, ex.Timeout);
        Assert.Equal(
            [("cache-1", "/cache/demo/" + key), ("cache-1", CacheHttpProtocol.AlivePath)],
            host.Nodes.Requests.Select(r => (r.Member, r.Path)));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Empty(retries.GetMeasurementSnapshot());
        Assert.True(Assert.Single(requests.GetMeasurementSnapshot()).ContainsTags(new KeyValuePair<string, object?>("aspirecache.outcome", "timeout")));
        await AssertAskedFirstAsync(host, "cache-1", key);
    }

    [Fact]
    public async Task Get_WhenTheOwnerStartsAnswering_ButDoesNotFinishWithinLoadTimeout_TimesOut_WithoutRetryingOrAvoidingIt()
    {
        var clock = new WatchedClock();
        using ClientHost host = Create(clock);
        var body = new HeldBody();
        host.Nodes.On("cache-1", (_, _) =>
        {
            HttpResponseMessage response = FakeNodes.Hit("cache-1");
            response.Content = new StreamContent(body);
            return Task.FromResult(response);
        });
        string key = KeyOwnedBy("cache-1");

        Task<CacheGetResult> get = host.Client.GetAsync("demo", key, Token);
        await body.Reading.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.False(get.IsCompleted);
        clock.Advance(LoadTimeout);

        CacheTimeoutException ex = await Assert.ThrowsAsync<CacheTimeoutException>(() => get);
        Assert.Equal("cache-1", ex.Member);
        Assert.Equal([("cache-1", "/cache/demo/" + key)], host.Nodes.Requests.Select(r => (r.Member, r.Path)));
        await AssertAskedFirstAsync(host, "cache-1", key);
    }
}
