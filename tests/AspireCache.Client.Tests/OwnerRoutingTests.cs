using System.Net;

namespace AspireCache.Client.Tests;

public class OwnerRoutingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The nodes' ring (RingPeerPicker builds one with the default points over the member names).</summary>
    private static ConsistentHashRing NodesRing(params string[] members)
    {
        var ring = new ConsistentHashRing();
        ring.Add(members.Length == 0 ? FakeNodes.Names : members);
        return ring;
    }

    private static string KeyOwnedBy(string owner)
    {
        ConsistentHashRing ring = NodesRing();
        for (int i = 0; ; i++)
        {
            string key = $"key-{i}";
            if (ring.GetOwner(key) == owner)
            {
                return key;
            }
        }
    }

    [Fact]
    public async Task Get_SendsEachKeyToTheOwnerThatTheNodesRingPicks()
    {
        using ClientHost host = ClientHost.Create();
        ConsistentHashRing ring = NodesRing();

        for (int i = 0; i < 300; i++)
        {
            CacheGetResult result = await host.Client.GetAsync("demo", $"key-{i}", Token);
            Assert.Equal(ring.GetOwner($"key-{i}"), result.Member);
            Assert.False(result.Retried);
        }

        FakeNodes.Recorded[] requests = host.Nodes.CacheRequests;
        Assert.Equal(300, requests.Length);
        Assert.All(requests.Select((r, i) => (r, i)), x => Assert.Equal(ring.GetOwner($"key-{x.i}"), x.r.Member));
        Assert.Equal(3, requests.Select(r => r.Member).Distinct().Count());
    }

    [Fact]
    public async Task Get_WhenTheOwnerRefusesTheConnection_RetriesOnceOnItsOwnerWithoutIt_ThenSendsItsKeysStraightThere()
    {
        using ClientHost host = ClientHost.Create();
        host.Nodes.Refuse("cache-1");
        ConsistentHashRing without = NodesRing("cache-0", "cache-2");
        string first = KeyOwnedBy("cache-1");

        CacheGetResult result = await host.Client.GetAsync("demo", first, Token);

        Assert.True(result.Retried);
        Assert.Equal(without.GetOwner(first), result.Member);
        Assert.Equal(["cache-1", without.GetOwner(first)!], host.Nodes.CacheRequests.Select(r => r.Member));

        // Avoided now: the next key of cache-1 costs no failed attempt.
        string second = Enumerable.Range(0, 1000).Select(i => $"other-{i}").First(k => NodesRing().GetOwner(k) == "cache-1");
        CacheGetResult next = await host.Client.GetAsync("demo", second, Token);
        Assert.False(next.Retried);
        Assert.Equal(without.GetOwner(second), next.Member);
        Assert.Equal(3, host.Nodes.CacheRequests.Length);
    }

    [Fact]
    public async Task Get_WhenTheOwnerIsSilent_ChecksWhetherItIsAlive_ThenRetriesOnAnotherMember()
    {
        using ClientHost host = ClientHost.Create();
        host.Nodes.Silence("cache-1");
        string key = KeyOwnedBy("cache-1");

        CacheGetResult result = await host.Client.GetAsync("demo", key, Token);

        Assert.True(result.Retried);
        Assert.NotEqual("cache-1", result.Member);
        Assert.Equal(
            [("cache-1", "/cache/demo/" + key), ("cache-1", CacheHttpProtocol.AlivePath), (result.Member, "/cache/demo/" + key)],
            host.Nodes.Requests.Select(r => (r.Member, r.Path)));
    }

    [Fact]
    public async Task Get_WhenTheOwnerIsSlowButAnswersItsLivenessCheck_WaitsForItsAnswer_WithoutRetrying()
    {
        using ClientHost host = ClientHost.Create();
        var checkedAlive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Nodes.On("cache-1", async (request, ct) =>
        {
            if (request.RequestUri!.AbsolutePath == CacheHttpProtocol.AlivePath)
            {
                checkedAlive.TrySetResult();
                return new HttpResponseMessage(HttpStatusCode.NotFound); // Any answer shows it is there.
            }

            await loaded.Task.WaitAsync(ct);
            return FakeNodes.Hit("cache-1", result: "load");
        });
        string key = KeyOwnedBy("cache-1");

        Task<CacheGetResult> get = host.Client.GetAsync("demo", key, Token);
        await checkedAlive.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.False(get.IsCompleted);
        loaded.SetResult();
        CacheGetResult result = await get;

        Assert.Equal("cache-1", result.Member);
        Assert.Equal(CacheSource.Load, result.Source);
        Assert.False(result.Retried);
        Assert.All(host.Nodes.Requests, r => Assert.Equal("cache-1", r.Member));
    }

    [Fact]
    public async Task Get_WhenNeitherMemberAnswers_ThrowsCacheUnreachable_AfterExactlyTwoRequests()
    {
        using ClientHost host = ClientHost.Create();
        foreach (string member in FakeNodes.Names)
        {
            host.Nodes.Refuse(member);
        }

        string key = KeyOwnedBy("cache-2");

        CacheUnreachableException ex = await Assert.ThrowsAsync<CacheUnreachableException>(() => host.Client.GetAsync("demo", key, Token));

        Assert.Equal(["cache-2", NodesRing("cache-0", "cache-1").GetOwner(key)!], ex.Members);
        Assert.Equal(ex.Members, host.Nodes.CacheRequests.Select(r => r.Member));
    }

    [Fact]
    public async Task Get_WhenEveryMemberIsAvoided_StillAsksTheOwnerFirst_AndAnotherOnce()
    {
        using ClientHost host = ClientHost.Create();
        foreach (string member in FakeNodes.Names)
        {
            host.Nodes.Refuse(member);
        }

        // Two failed gets leave every member avoided...
        await Assert.ThrowsAsync<CacheUnreachableException>(() => host.Client.GetAsync("demo", KeyOwnedBy("cache-0"), Token));
        await Assert.ThrowsAnyAsync<CacheUnreachableException>(() => host.Client.GetAsync("demo", Enumerable.Range(0, 1000).Select(i => $"k{i}").First(k => NodesRing().GetOwner(k) == "cache-2"), Token));
        foreach (string member in FakeNodes.Names)
        {
            host.Nodes.On(member, (_, _) => Task.FromResult(FakeNodes.Hit(member)));
        }

        // ...and a get is still tried rather than refused without a request.
        CacheGetResult result = await host.Client.GetAsync("demo", "any", Token);
        Assert.Equal("value", System.Text.Encoding.UTF8.GetString(result.Value));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, CacheHttpProtocol.NoSuchKeyProblem, true, typeof(CacheKeyNotFoundException))]
    [InlineData(HttpStatusCode.NotFound, CacheHttpProtocol.UnknownGroupProblem, false, typeof(CacheGroupNotFoundException))]
    [InlineData(HttpStatusCode.BadGateway, null, true, typeof(CacheSourceException))]
    [InlineData(HttpStatusCode.GatewayTimeout, null, true, typeof(CacheSourceException))]
    [InlineData(HttpStatusCode.BadGateway, null, false, typeof(CacheNodeException))]
    [InlineData(HttpStatusCode.ServiceUnavailable, null, false, typeof(CacheNodeException))]
    [InlineData(HttpStatusCode.InternalServerError, null, false, typeof(CacheNodeException))]
    public async Task Get_AnErrorAnswer_IsNeverRetried_AndBecomesTheMatchingException(HttpStatusCode status, string? type, bool fromSource, Type expected)
    {
        using ClientHost host = ClientHost.Create();
        string key = KeyOwnedBy("cache-0");
        host.Nodes.On("cache-0", (_, _) => Task.FromResult(FakeNodes.Problem(status, type, fromSource)));

        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => host.Client.GetAsync("demo", key, Token));

        Assert.IsType(expected, ex);
        Assert.Equal(["cache-0"], host.Nodes.CacheRequests.Select(r => r.Member));
        if (ex is CacheSourceException source)
        {
            Assert.Equal(status == HttpStatusCode.GatewayTimeout, source.IsTimeout);
        }

        // An answer says nothing against the member: it is asked again.
        host.Nodes.On("cache-0", (_, _) => Task.FromResult(FakeNodes.Hit("cache-0")));
        Assert.Equal("cache-0", (await host.Client.GetAsync("demo", key, Token)).Member);
    }

    [Fact]
    public async Task AnAvoidedMember_IsAskedAgain_AfterAvoidFailedMemberFor()
    {
        var time = ClientHost.FakeTime();
        using ClientHost host = ClientHost.Create(time: time);
        host.Nodes.Refuse("cache-1");
        string key = KeyOwnedBy("cache-1");
        Assert.True((await host.Client.GetAsync("demo", key, Token)).Retried);
        host.Nodes.On("cache-1", (_, _) => Task.FromResult(FakeNodes.Hit("cache-1")));

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.NotEqual("cache-1", (await host.Client.GetAsync("demo", key, Token)).Member);

        time.Advance(TimeSpan.FromSeconds(1));
        CacheGetResult back = await host.Client.GetAsync("demo", key, Token);
        Assert.Equal("cache-1", back.Member);
        Assert.False(back.Retried);
    }

    [Fact]
    public async Task Get_WhenTheCallerCancels_DoesNotRetry()
    {
        using ClientHost host = ClientHost.Create();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Nodes.On("cache-1", async (_, ct) =>
        {
            asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        Task<CacheGetResult> get = host.Client.GetAsync("demo", KeyOwnedBy("cache-1"), cancel.Token);
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get);
        Assert.Equal(["cache-1"], host.Nodes.CacheRequests.Select(r => r.Member));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("100%")]
    [InlineData("with space")]
    [InlineData("ключ")]
    [InlineData("😀/é?#&")]
    public async Task Get_EncodesTheKeyAsOnePathSegment(string key)
    {
        using ClientHost host = ClientHost.Create();

        CacheGetResult result = await host.Client.GetAsync("my group", key, Token);

        FakeNodes.Recorded request = Assert.Single(host.Nodes.CacheRequests);
        Assert.Equal(NodesRing().GetOwner(key), request.Member);
        Assert.Equal($"/cache/my%20group/{Uri.EscapeDataString(key)}", request.Path);
        string[] segments = request.Path.Split('/');
        Assert.Equal(4, segments.Length);
        Assert.True(CacheKeyPath.TryDecode(segments[3], out string? decoded));
        Assert.Equal(key, decoded);
    }

    [Fact]
    public async Task Get_ReportsHowTheNodeServedTheValue_AndSendsNoSecret()
    {
        using ClientHost host = ClientHost.Create();
        string key = KeyOwnedBy("cache-0");
        host.Nodes.On("cache-0", (_, _) =>
        {
            HttpResponseMessage response = FakeNodes.Hit("cache-2", "stale value", result: "peer");
            response.Headers.Add(CacheHttpProtocol.StaleHeader, "true");
            response.Headers.Age = TimeSpan.FromSeconds(42);
            response.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { MaxAge = TimeSpan.Zero };
            return Task.FromResult(response);
        });

        CacheGetResult result = await host.Client.GetAsync("demo", key, Token);

        Assert.Equal("stale value", System.Text.Encoding.UTF8.GetString(result.Value));
        Assert.Equal(CacheSource.Peer, result.Source);
        Assert.Equal("cache-0", result.Member);
        Assert.Equal("cache-2", result.Owner);
        Assert.True(result.IsStale);
        Assert.Equal(TimeSpan.FromSeconds(42), result.Age);
        Assert.Equal(TimeSpan.Zero, result.TimeToLive);
        Assert.Null(Assert.Single(host.Nodes.CacheRequests).Authorization);
    }

    [Fact]
    public async Task Get_OfAValueThatNeverExpires_HasNoAgeAndNoTimeToLive()
    {
        using ClientHost host = ClientHost.Create();

        CacheGetResult result = await host.Client.GetAsync("demo", "forever", Token);

        Assert.Equal(CacheSource.Hit, result.Source);
        Assert.Null(result.Age);
        Assert.Null(result.TimeToLive);
        Assert.False(result.IsStale);
    }
}
