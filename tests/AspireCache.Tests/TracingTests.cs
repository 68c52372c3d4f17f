using System.Collections.Concurrent;
using System.Diagnostics;

namespace AspireCache.Tests;

public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;
    private readonly string _group = "trace-" + Guid.NewGuid().ToString("N");

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AspireCacheDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (Equals(span.GetTagItem("aspirecache.group"), _group))
                {
                    _spans.Enqueue(span);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task AGetWhoseOwnerFailed_NamesThisNodeAsTheOwner_ForItLoadedTheKeyItself()
    {
        using var cluster = new InProcessCluster(2, _group);
        string key = "user:down";
        string owner = cluster.OwnerOf(key);
        string other = cluster.NonOwnerOf(key);
        cluster.Down[owner] = true;

        CacheResult result = await cluster[other].GetAsync(key, TestToken);

        Activity get = _spans.Single(s => s.OperationName == "aspirecache.get");
        Assert.Equal(CacheSource.Load, result.Source);
        Assert.Equal("load", get.GetTagItem("aspirecache.result"));
        Assert.Equal(other, get.GetTagItem("aspirecache.owner"));
    }

    [Fact]
    public async Task AGetAtANonOwner_IsOneTrace_ThroughThePeerToTheLoad()
    {
        using var cluster = new InProcessCluster(2, _group);
        string key = "user:1";
        string owner = cluster.OwnerOf(key);
        string other = cluster.Nodes.First(n => n != owner);
        using var request = new Activity("client request").SetIdFormat(ActivityIdFormat.W3C).Start();

        await cluster[other].GetAsync(key, TestToken);
        request.Stop();

        Activity[] spans = [.. _spans];
        Assert.Equal(
            ["aspirecache.get", "aspirecache.load", "aspirecache.peer.fetch", "aspirecache.peer.serve"],
            spans.Select(s => s.OperationName).Order());
        Assert.All(spans, s => Assert.Equal(request.TraceId, s.TraceId));

        Activity get = spans.Single(s => s.OperationName == "aspirecache.get");
        Activity fetch = spans.Single(s => s.OperationName == "aspirecache.peer.fetch");
        Activity serve = spans.Single(s => s.OperationName == "aspirecache.peer.serve");
        Activity load = spans.Single(s => s.OperationName == "aspirecache.load");
        Assert.Equal(request.SpanId, get.ParentSpanId);
        Assert.Equal(get.SpanId, fetch.ParentSpanId);
        Assert.Equal(fetch.SpanId, serve.ParentSpanId);
        Assert.Equal(serve.SpanId, load.ParentSpanId);
        Assert.Equal("peer", get.GetTagItem("aspirecache.result"));
        Assert.Equal(owner, get.GetTagItem("aspirecache.owner"));
        Assert.Equal(owner, fetch.GetTagItem("aspirecache.peer"));
    }

    [Fact]
    public async Task Spans_CarryTheKeysKeyedHash_NotTheKey_UnlessAllowed()
    {
        const string secret = "tracing-tests-key-hash-secret";
        using var hidden = new CacheGroup(_group, (_, _) => ValueTask.FromResult<LoadedValue>(new byte[1]), new CacheGroupOptions { KeyHashSecret = secret });
        await hidden.GetAsync("alice@example.com", TestToken);
        await hidden.GetAsync("alice@example.com", TestToken);

        Activity[] spans = [.. _spans];
        Assert.Equal(3, spans.Length); // get (miss), load, get (hit)
        Assert.All(spans, s =>
        {
            Assert.Null(s.GetTagItem("aspirecache.key"));
            Assert.Equal(new TelemetryKeyHash(secret).Of("alice@example.com"), s.GetTagItem("aspirecache.key.hash"));
            Assert.DoesNotContain(s.Tags, tag => tag.Value?.Contains("alice", StringComparison.Ordinal) == true);
        });
        Assert.Single(spans.Select(s => s.GetTagItem("aspirecache.key.hash")).Distinct());

        hidden.Dispose();
        _spans.Clear();
        using var shown = new CacheGroup(_group, (_, _) => ValueTask.FromResult<LoadedValue>(new byte[1]), new CacheGroupOptions { RecordKeys = true });
        await shown.GetAsync("bob", TestToken);
        Assert.All(_spans, s => Assert.Equal("bob", s.GetTagItem("aspirecache.key")));
    }

    [Fact]
    public async Task WithoutAKeyHashSecret_SpansCarryNoKeyHash_SinceAnUnkeyedHashOfAShortKeyCanBeReversed()
    {
        using var group = new CacheGroup(_group, (_, _) => ValueTask.FromResult<LoadedValue>(new byte[1]));
        await group.GetAsync("user:42", TestToken);

        Assert.NotEmpty(_spans);
        Assert.All(_spans, s => Assert.Null(s.GetTagItem("aspirecache.key.hash")));
    }

    [Fact]
    public async Task CallersThatJoinALoad_LinkToTheLeadersSpan()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var group = new CacheGroup(_group, async (_, _) =>
        {
            await gate.Task;
            return new byte[1];
        });

        Task<CacheResult>[] gets = [.. Enumerable.Range(0, 3).Select(_ => group.GetAsync("k", TestToken).AsTask())];
        gate.SetResult();
        await Task.WhenAll(gets);

        Activity[] getSpans = [.. _spans.Where(s => s.OperationName == "aspirecache.get")];
        Assert.Equal(3, getSpans.Length);
        Activity leader = Assert.Single(getSpans, s => !s.Links.Any());
        Assert.All(getSpans.Where(s => s != leader), joiner => Assert.Equal(leader.SpanId, Assert.Single(joiner.Links).Context.SpanId));
        Assert.Equal(leader.SpanId, _spans.Single(s => s.OperationName == "aspirecache.load").ParentSpanId);
    }

    [Fact]
    public async Task AFailedLoad_MarksItsSpansAsErrors_WithoutTheMessage()
    {
        using var group = new CacheGroup(_group, (key, _) => throw new InvalidOperationException($"no row for {key}"));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await group.GetAsync("secret-key", TestToken));

        Assert.Equal(2, _spans.Count);
        Assert.All(_spans, s =>
        {
            Assert.Equal(ActivityStatusCode.Error, s.Status);
            Assert.Equal(typeof(InvalidOperationException).FullName, s.GetTagItem("error.type"));
            Assert.DoesNotContain("secret-key", s.StatusDescription ?? string.Empty, StringComparison.Ordinal);
        });
    }
}
