namespace LoadGenerator.Tests;

public sealed class NodeSpreadTargetTests
{
    [Fact]
    public void BareNames_BecomeServiceDiscoveryAddresses_AndExplicitAddressesAreKept()
    {
        List<Uri> nodes = NodeSpreadTarget.AddressesOf("cache-0, cache-1=http://127.0.0.1:5402 ,cache-2=http://127.0.0.1:5403/");

        Assert.Equal(["http://cache-0/", "http://127.0.0.1:5402/", "http://127.0.0.1:5403/"], nodes.Select(n => n.ToString()));
    }

    [Fact]
    public void NoNodes_IsRefusedWhenTheTargetIsMade_NotOnEveryRead() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeSpreadTarget(new HttpClient(), NodeSpreadTarget.AddressesOf("")));

    [Fact]
    public async Task Reads_GoToEachNodeInTurn_AndReportTheNodesResult()
    {
        var handler = new StubNodes();
        var target = new NodeSpreadTarget(new HttpClient(handler), NodeSpreadTarget.AddressesOf("a=http://a.test,b=http://b.test,c=http://c.test"));

        var results = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            results.Add(await target.ReadAsync("demo", "item 1", TestContext.Current.CancellationToken));
        }

        Assert.All(results, r => Assert.Equal("peer", r));
        Assert.Equal(["a.test", "b.test", "c.test", "a.test", "b.test", "c.test"], handler.Hosts);
        Assert.All(handler.Paths, p => Assert.Equal("/cache/demo/item%201", p));
    }

    [Fact]
    public async Task A404_IsNotFound_AndAnErrorStatusThrows()
    {
        var target = new NodeSpreadTarget(
            new HttpClient(new StubNodes { Status = System.Net.HttpStatusCode.NotFound }),
            NodeSpreadTarget.AddressesOf("a=http://a.test"));
        Assert.Equal("not-found", await target.ReadAsync("demo", "k", TestContext.Current.CancellationToken));

        var failing = new NodeSpreadTarget(
            new HttpClient(new StubNodes { Status = System.Net.HttpStatusCode.BadGateway }),
            NodeSpreadTarget.AddressesOf("a=http://a.test"));
        await Assert.ThrowsAsync<HttpRequestException>(() => failing.ReadAsync("demo", "k", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("hit", "hit")]
    [InlineData("hot", "hot")]
    [InlineData("peer", "peer")]
    [InlineData("load", "load")]
    [InlineData("HIT", "other")]
    [InlineData("attacker-chosen-label-12345", "other")]
    [InlineData("", "other")]
    [InlineData(null, "other")]
    public async Task AResultHeader_BecomesOneOfTheContractsWords_OrOther(string? header, string label)
    {
        var target = new NodeSpreadTarget(new HttpClient(new StubNodes { Result = header }), NodeSpreadTarget.AddressesOf("a=http://a.test"));

        Assert.Equal(label, await target.ReadAsync("demo", "k", TestContext.Current.CancellationToken));
    }

    private sealed class StubNodes : HttpMessageHandler
    {
        public System.Net.HttpStatusCode Status { get; init; } = System.Net.HttpStatusCode.OK;

        public string? Result { get; init; } = "peer";

        public List<string> Hosts { get; } = [];

        public List<string> Paths { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Hosts.Add(request.RequestUri!.Host);
            Paths.Add(request.RequestUri.AbsolutePath);
            var response = new HttpResponseMessage(Status) { Content = new ByteArrayContent(new byte[16]) };
            if (Result is not null)
            {
                response.Headers.TryAddWithoutValidation("X-Cache-Result", Result);
            }

            return Task.FromResult(response);
        }
    }
}
