using System.Net;

namespace AspireCache.Client.Tests;

/// <summary>How a node's error answers are read: which 400s are about the key, and how much of a body is read.</summary>
public class ErrorAnswerTests
{
    private const int MaxProblemBytes = 64 * 1024;

    private const string UnpairedSurrogate = "unpaired surrogate";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static void AnswerEveryone(ClientHost host, Func<HttpResponseMessage> answer)
    {
        foreach (string member in FakeNodes.Names)
        {
            host.Nodes.On(member, (_, _) => Task.FromResult(answer()));
        }
    }

    [Fact]
    public async Task Get_ABadRequestForTheKey_ThrowsInvalidCacheKeyException_WithTheNodesDetail()
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => FakeNodes.Problem(HttpStatusCode.BadRequest, type: CacheHttpProtocol.InvalidKeyProblem, title: "Invalid key"));

        InvalidCacheKeyException ex = await Assert.ThrowsAsync<InvalidCacheKeyException>(() => host.Client.GetAsync("demo", "k", Token));

        Assert.Equal("the node's detail", ex.Message);
        Assert.Single(host.Nodes.CacheRequests);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a\0b")]
    [InlineData(UnpairedSurrogate)]
    public async Task AKeyThatCanNeverBeOne_IsRefusedBeforeAnythingIsSent(string key)
    {
        key = key == UnpairedSurrogate ? "a\uD800b" : key; // Test data cannot carry a lone surrogate intact.
        using ClientHost host = ClientHost.Create();

        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => host.Client.GetAsync("demo", key, Token));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => host.Client.RemoveAsync("demo", key, Token));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => host.Client.WriteAsync("demo", key, new byte[] { 1 }, cancellationToken: Token));

        Assert.Empty(host.Nodes.Requests);
    }

    [Theory]
    [InlineData("Invalid Cache-Control")]
    [InlineData("Bad Request")]
    [InlineData("Invalid key")] // the title alone does not make it the key's problem: the type does
    public async Task Write_ABadRequestForSomethingElse_ThrowsCacheNodeException_NotAnInvalidKey(string title)
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => FakeNodes.Problem(HttpStatusCode.BadRequest, title: title));

        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => host.Client.WriteAsync("demo", "k", "v"u8.ToArray(), TimeSpan.FromSeconds(5), Token));

        CacheNodeException node = Assert.IsType<CacheNodeException>(ex);
        Assert.Equal(HttpStatusCode.BadRequest, node.StatusCode);
        Assert.Equal("the node's detail", node.Message);
        Assert.Single(host.Nodes.CacheRequests);
    }

    [Fact]
    public async Task Get_ABadRequestWithoutAProblem_ThrowsCacheNodeException()
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () => new HttpResponseMessage(HttpStatusCode.BadRequest));

        CacheNodeException ex = await Assert.ThrowsAsync<CacheNodeException>(() => host.Client.GetAsync("demo", "k", Token));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
    }

    [Fact]
    public async Task AnErrorAnswer_WithALargeBodyAndNoLength_IsReadNoFurtherThan64KiB()
    {
        using ClientHost host = ClientHost.Create();
        var body = new GeneratedBody(16 * MaxProblemBytes, (byte)' ');
        AnswerEveryone(host, () => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StreamContent(body) });

        CacheNodeException ex = await Assert.ThrowsAsync<CacheNodeException>(() => host.Client.GetAsync("demo", "k", Token));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.InRange(body.BytesRead, MaxProblemBytes, MaxProblemBytes + 1);
    }

    [Fact]
    public async Task AProblem_WithoutALength_IsStillRead()
    {
        using ClientHost host = ClientHost.Create();
        AnswerEveryone(host, () =>
        {
            HttpResponseMessage problem = FakeNodes.Problem(HttpStatusCode.NotFound, CacheHttpProtocol.UnknownGroupProblem);
            byte[] json = problem.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            problem.Content = new StreamContent(new NoLengthStream(json));
            return problem;
        });

        CacheGroupNotFoundException ex = await Assert.ThrowsAsync<CacheGroupNotFoundException>(() => host.Client.GetAsync("demo", "k", Token));

        Assert.Equal("demo", ex.Group);
    }

    /// <summary>A body whose length the content cannot tell, as a chunked answer's.</summary>
    private sealed class NoLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
