using System.Collections.Concurrent;
using System.Diagnostics;

namespace AspireCache.AspNetCore.Tests;

/// <summary>Keys can be personal data: the node's request spans must not carry them.</summary>
public sealed class TelemetryPrivacyTests(CacheNodeFactory node) : IClassFixture<CacheNodeFactory>
{
    [Fact]
    public async Task RequestSpans_CarryTheRoute_NotTheKey()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "System.Net.Http" or "AspireCache",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        string key = "alice@example.com-" + Guid.NewGuid().ToString("N");
        using var client = new HttpClient { BaseAddress = node.BaseAddress };

        // Other test classes share this process's spans; the trace under this root is ours alone.
        using var root = new Activity("privacy test").SetIdFormat(ActivityIdFormat.W3C).Start();
        ActivityTraceId traceId = root.TraceId;

        using HttpResponseMessage response = await client.GetAsync("/cache/demo/" + Uri.EscapeDataString(key), cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        root.Stop();

        // The server's span ends after the response has gone out, so it can reach the listener after the
        // client has its answer: wait (boundedly) for it rather than race it.
        await Waits.UntilAsync(
            "the server's span has reached the listener",
            () => spans.Any(s => s.TraceId == traceId && s.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn"),
            cancellationToken: cancellationToken);

        Activity[] ours = [.. spans.Where(s => s.TraceId == traceId)];
        Activity server = Assert.Single(ours, s => s.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn");
        Assert.Equal("/cache/{group}/{**key}", server.GetTagItem("url.path"));
        Assert.Contains(ours, s => s.OperationName == "aspirecache.get");
        Assert.All(ours, span => Assert.DoesNotContain(span.Tags, tag => tag.Value?.Contains("alice", StringComparison.Ordinal) == true));
    }
}
