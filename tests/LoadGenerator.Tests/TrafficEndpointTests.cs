using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireCache.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LoadGenerator.Tests;

/// <summary>The HTTP API as the README and the dashboard's commands use it, against stub nodes.</summary>
public sealed class TrafficEndpointTests : IDisposable
{
    private readonly StubNodes _nodes = new();
    private readonly WebApplicationFactory<Program> _app;

    public TrafficEndpointTests() =>
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:cache", "cache-0=http://n0.test,cache-1=http://n1.test,cache-2=http://n2.test");
            web.ConfigureTestServices(services => services.AddHttpClient(NodeSpreadTarget.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _nodes));
        });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task BeforeAnyStart_StatusSaysNotRunning()
    {
        JsonElement status = await _app.CreateClient().GetFromJsonAsync<JsonElement>("/status", TestContext.Current.CancellationToken);

        Assert.False(status.GetProperty("running").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("settings").ValueKind);
    }

    [Fact]
    public async Task Start_ReadsEveryNodeInTurn_UntilStop()
    {
        HttpClient http = _app.CreateClient();

        HttpResponseMessage started = await http.PostAsync("/start?rate=500&keys=100&skew=0.8", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        JsonElement settings = (await started.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("settings");
        Assert.Equal(500, settings.GetProperty("rate").GetDouble());
        Assert.Equal("nodes", settings.GetProperty("route").GetString());

        await Waits.UntilAsync("every node has been read", () => _nodes.Hosts.Distinct().Count() == 3, cancellationToken: TestContext.Current.CancellationToken);
        JsonElement stopped = await (await http.PostAsync("/stop", null, TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.False(stopped.GetProperty("running").GetBoolean());
        Assert.True(stopped.GetProperty("reads").GetInt64() > 0);
        Assert.Equal(0, stopped.GetProperty("errors").GetInt64());
        Assert.True(stopped.GetProperty("results").GetProperty("hit").GetInt64() > 0);
    }

    [Fact]
    public async Task BadParameters_AreRefusedWithEachProblemNamed_AndNothingStarts()
    {
        HttpClient http = _app.CreateClient();

        HttpResponseMessage response = await http.PostAsync("/start?rate=fast&route=sideways", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        Assert.Contains("'fast'", errors.GetProperty("rate")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("'sideways'", errors.GetProperty("route")[0].GetString(), StringComparison.Ordinal);
        JsonElement status = await http.GetFromJsonAsync<JsonElement>("/status", TestContext.Current.CancellationToken);
        Assert.False(status.GetProperty("running").GetBoolean());
    }

    private sealed class StubNodes : HttpMessageHandler
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Hosts { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Hosts.Enqueue(request.RequestUri!.Host);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[8]) };
            response.Headers.Add("X-Cache-Result", "hit");
            return Task.FromResult(response);
        }
    }
}
