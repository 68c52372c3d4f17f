using System.Net;

namespace AspireCache.Client.Tests;

public class ChangeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string OwnerOf(string key)
    {
        var ring = new ConsistentHashRing();
        ring.Add(FakeNodes.Names);
        return ring.GetOwner(key)!;
    }

    private static void AnswerEveryone(ClientHost host, Func<HttpResponseMessage> answer)
    {
        foreach (string member in FakeNodes.Names)
        {
            host.Nodes.On(member, (_, _) => Task.FromResult(answer()));
        }
    }

    [Fact]
    public async Task Write_SendsAPutToTheOwner_WithTheAdminSecretTheLifetimeAndTheValue()
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => new HttpResponseMessage(HttpStatusCode.NoContent));

        await host.Client.WriteAsync("demo", "user/1", "hello"u8.ToArray(), TimeSpan.FromSeconds(90), Token);

        FakeNodes.Recorded put = Assert.Single(host.Nodes.CacheRequests);
        Assert.Equal(HttpMethod.Put, put.Method);
        Assert.Equal(OwnerOf("user/1"), put.Member);
        Assert.Equal("/cache/demo/user%2F1", put.Path);
        Assert.Equal($"Bearer {ClientHost.Secret}", put.Authorization);
        Assert.Equal(TimeSpan.FromSeconds(90), put.MaxAge);
        Assert.Equal("hello"u8.ToArray(), put.Body);
    }

    [Theory]
    [InlineData(1200, 2)]
    [InlineData(1, 1)]
    [InlineData(0, 0)]
    public async Task Write_SendsTheLifetimeInWholeSeconds_RoundedUp(int milliseconds, int seconds)
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => new HttpResponseMessage(HttpStatusCode.NoContent));

        await host.Client.WriteAsync("demo", "k", "v"u8.ToArray(), TimeSpan.FromMilliseconds(milliseconds), Token);

        Assert.Equal(TimeSpan.FromSeconds(seconds), Assert.Single(host.Nodes.CacheRequests).MaxAge);
    }

    [Fact]
    public async Task Write_WithoutALifetime_SendsNone_SoTheGroupsApplies()
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => new HttpResponseMessage(HttpStatusCode.NoContent));

        await host.Client.WriteAsync("demo", "k", "v"u8.ToArray(), cancellationToken: Token);

        Assert.Null(Assert.Single(host.Nodes.CacheRequests).MaxAge);
    }

    [Fact]
    public async Task Write_WithANegativeLifetime_IsRefusedBeforeAnyRequest()
    {
        using ClientHost host = ClientHost.Create();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Client.WriteAsync("demo", "k", "v"u8.ToArray(), TimeSpan.FromSeconds(-1), Token));

        Assert.Empty(host.Nodes.Requests);
    }

    [Fact]
    public async Task Remove_SendsADeleteToTheOwner_WithTheAdminSecret()
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => new HttpResponseMessage(HttpStatusCode.NoContent));

        await host.Client.RemoveAsync("demo", "gone", Token);

        FakeNodes.Recorded delete = Assert.Single(host.Nodes.CacheRequests);
        Assert.Equal(HttpMethod.Delete, delete.Method);
        Assert.Equal(OwnerOf("gone"), delete.Member);
        Assert.Equal("/cache/demo/gone", delete.Path);
        Assert.Equal($"Bearer {ClientHost.Secret}", delete.Authorization);
    }

    [Fact]
    public async Task Clear_PostsToOneMember_AndToAnotherWhenThatOneDoesNotAnswer()
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => new HttpResponseMessage(HttpStatusCode.NoContent));
        string first = OwnerOf("demo");
        host.Nodes.Refuse(first);

        await host.Client.ClearAsync("demo", Token);

        FakeNodes.Recorded[] requests = host.Nodes.CacheRequests;
        Assert.Equal(2, requests.Length);
        Assert.Equal(first, requests[0].Member);
        Assert.NotEqual(first, requests[1].Member);
        Assert.All(requests, r => Assert.Equal((HttpMethod.Post, "/_admin/groups/demo/clear"), (r.Method, r.Path)));
    }

    [Fact]
    public async Task Write_NotAcknowledgedByEveryMember_ThrowsCacheInvalidationException_NamingThem()
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => FakeNodes.Problem(HttpStatusCode.ServiceUnavailable, CacheHttpProtocol.NotAcknowledgedProblem, membersJson: """["cache-2"]"""));

        CacheInvalidationException ex = await Assert.ThrowsAsync<CacheInvalidationException>(() => host.Client.WriteAsync("demo", "k", "v"u8.ToArray(), cancellationToken: Token));

        Assert.Equal("demo", ex.Group);
        Assert.Equal(["cache-2"], ex.Members);
        Assert.Single(host.Nodes.CacheRequests);
    }

    [Fact]
    public async Task Write_OfAValueTooLarge_ThrowsCacheValueTooLargeException()
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => FakeNodes.Problem(HttpStatusCode.RequestEntityTooLarge, CacheHttpProtocol.ValueTooLargeProblem));

        await Assert.ThrowsAsync<CacheValueTooLargeException>(() => host.Client.WriteAsync("demo", "k", new byte[10], cancellationToken: Token));
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task Remove_Refused_ThrowsCacheAccessDenied(HttpStatusCode status)
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => FakeNodes.Problem(status));

        CacheAccessDeniedException ex = await Assert.ThrowsAsync<CacheAccessDeniedException>(() => host.Client.RemoveAsync("demo", "k", Token));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(OwnerOf("k"), ex.Member);
    }

    [Fact]
    public async Task Remove_WithoutAnAdminSecret_SendsNoAuthorization_AndTheRefusalSaysWhatToSet()
    {
        using ClientHost host = ClientHost.Create(configuration: new()
        {
            ["ConnectionStrings:cache"] = FakeNodes.ConnectionString,
        });
        AnswerEveryone(host, () => FakeNodes.Problem(HttpStatusCode.Unauthorized));

        CacheAccessDeniedException ex = await Assert.ThrowsAsync<CacheAccessDeniedException>(() => host.Client.RemoveAsync("demo", "k", Token));

        Assert.Null(Assert.Single(host.Nodes.CacheRequests).Authorization);
        Assert.Contains("AspireCache:Client:{connection}:AdminSecret", ex.Message, StringComparison.Ordinal);
    }
}
