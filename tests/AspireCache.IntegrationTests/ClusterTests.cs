using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AspireCache.IntegrationTests;

/// <summary>The running cluster, end to end over HTTP: real nodes, real peers, the real backend.</summary>
public sealed partial class ClusterTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // Keys are unique per test, so the shared backend's per-key counts belong to one test.
    private static string FreshKey(string label) => $"{label}-{Guid.NewGuid():N}";

    private static string CachePath(string key) => "/cache/demo/" + Uri.EscapeDataString(key);

    [Fact]
    public async Task DemoApi_ReadsThroughTheOwnerRoutingClient_StraightFromEachKeysOwner()
    {
        await cluster.App.ResourceNotifications.WaitForResourceHealthyAsync("demoapi", WaitBehavior.StopOnResourceUnavailable, Token)
            .WaitAsync(TimeSpan.FromMinutes(2), Token);
        using var api = new HttpClient { BaseAddress = cluster.App.GetEndpoint("demoapi", "http"), Timeout = TimeSpan.FromSeconds(30) };

        foreach (string owner in ClusterFixture.NodeNames)
        {
            string key = ClusterFixture.KeyOwnedBy(owner, "demoapi");
            string path = "/items/" + Uri.EscapeDataString(key);

            // The sample API's client asks the owner itself, which loads the key; never a node that would ask the owner.
            using HttpResponseMessage first = await api.GetAsync(path, Token);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(owner, Assert.Single(first.Headers.GetValues("X-Served-By")));
            Assert.Equal("load", Assert.Single(first.Headers.GetValues("X-Cache-Result")));
            byte[] fromBackend = await cluster.Backend.GetByteArrayAsync("/data/" + Uri.EscapeDataString(key), Token);
            Assert.Equal(fromBackend, await first.Content.ReadAsByteArrayAsync(Token));

            using HttpResponseMessage repeat = await api.GetAsync(path, Token);
            Assert.Equal(owner, Assert.Single(repeat.Headers.GetValues("X-Served-By")));
            Assert.Equal("hit", Assert.Single(repeat.Headers.GetValues("X-Cache-Result")));
        }
    }

    [Fact]
    public async Task EveryNode_ReturnsTheBackendsBytes_AndNamesTheSameOwner()
    {
        string key = FreshKey("same-bytes");
        var owners = new HashSet<string>();
        var bodies = new List<byte[]>();

        foreach (HttpClient node in cluster.Nodes.Values)
        {
            using HttpResponseMessage response = await node.GetAsync(CachePath(key), Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
            owners.Add(Assert.Single(response.Headers.GetValues("X-Cache-Owner")));
            bodies.Add(await response.Content.ReadAsByteArrayAsync(Token));
        }

        byte[] fromBackend = await cluster.Backend.GetByteArrayAsync("/data/" + Uri.EscapeDataString(key), Token);
        Assert.Equal(1024, fromBackend.Length);
        Assert.All(bodies, body => Assert.Equal(fromBackend, body));
        Assert.Contains(Assert.Single(owners), ClusterFixture.NodeNames);
    }

    [Fact]
    public async Task FiftyFreshKeys_AskedOfEveryNode_AreLoadedFromTheBackendOncePerKey()
    {
        string[] keys = [.. Enumerable.Range(0, 50).Select(i => FreshKey($"fifty-{i}"))];

        foreach (string key in keys)
        {
            foreach (HttpClient node in cluster.Nodes.Values)
            {
                using HttpResponseMessage response = await node.GetAsync(CachePath(key), Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        foreach (string key in keys)
        {
            Assert.Equal(1, await cluster.BackendCallsAsync(key, Token));
        }
    }

    [Fact]
    public async Task ThreeHundredConcurrentRequests_ForOneColdKey_CallTheBackendOnce()
    {
        string key = FreshKey("stampede");
        HttpClient[] nodes = [.. cluster.Nodes.Values];

        Task<byte[]>[] requests = [.. Enumerable.Range(0, 300).Select(i => nodes[i % nodes.Length].GetByteArrayAsync(CachePath(key), Token))];
        byte[][] bodies = await Task.WhenAll(requests);

        Assert.Equal(1, await cluster.BackendCallsAsync(key, Token));
        Assert.All(bodies, body => Assert.Equal(bodies[0], body));
        Assert.Equal(1024, bodies[0].Length);
    }

    [Fact]
    public async Task ARepeatedRequest_IsAHitAtTheOwner_AndAPeerFetchThenAHotHitElsewhere()
    {
        // A non-owner counts each ask; the second fetch of a key is kept hot, so the third get is local.
        string key = ClusterFixture.KeyOwnedBy("cache-0", "repeat");
        using (HttpResponseMessage first = await cluster.Nodes["cache-0"].GetAsync(CachePath(key), Token))
        {
            Assert.Equal("load", Assert.Single(first.Headers.GetValues("X-Cache-Result")));
        }

        foreach ((string name, HttpClient node) in cluster.Nodes)
        {
            string[] expected = name == "cache-0" ? ["hit", "hit", "hit"] : ["peer", "peer", "hot"];
            foreach (string result in expected)
            {
                using HttpResponseMessage response = await node.GetAsync(CachePath(key), Token);
                Assert.Equal(result, Assert.Single(response.Headers.GetValues("X-Cache-Result")));
            }
        }

        Assert.Equal(1, await cluster.BackendCallsAsync(key, Token));
    }

    [Fact]
    public async Task ASourceSlowerThanThePeerTimeout_IsLoadedOnce_For300RequestsOnAllNodes_AndTheOwnerStaysUp()
    {
        string key = FreshKey("slow");
        HttpClient[] nodes = [.. cluster.Nodes.Values];

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => nodes[i % nodes.Length].GetAsync(CachePath(key), Token)));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        string owner = Assert.Single(responses.SelectMany(r => r.Headers.GetValues("X-Cache-Owner")).Distinct());
        var views = new List<string>();
        foreach (HttpClient node in nodes)
        {
            ClusterAnswer answer = await ClusterAnswer.ReadAsync(node, Token);
            MemberAnswer seen = answer.Members.Single(m => m.Name == owner);
            views.Add($"{answer.Name} sees {owner} as {seen.State} ({seen.LastError})");
        }

        Assert.True(1 == await cluster.BackendCallsAsync(key, Token), $"More than one load: {string.Join("; ", views)}");
        Assert.All(views, view => Assert.Matches(" as (up|self) ", view));

        foreach (HttpResponseMessage response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task AKeyTheSourceDoesNotHave_Is404NoSuchKey_OnEveryNode_AndTheSourceIsAskedOnce()
    {
        string key = "missing-" + Guid.NewGuid().ToString("N");
        HttpClient[] nodes = [.. cluster.Nodes.Values];

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => nodes[i % nodes.Length].GetAsync(CachePath(key), Token)));

        foreach (HttpResponseMessage response in responses)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
            Assert.Equal("urn:aspirecache:problem:no-such-key", problem.RootElement.GetProperty("type").GetString());
            response.Dispose();
        }

        // No node loaded it a second time after its owner's answer.
        Assert.Equal(1, await cluster.BackendCallsAsync(key, Token));
    }

    [Fact]
    public async Task PeerFetches_ReuseTheirConnections()
    {
        int ownerPort = cluster.App.GetEndpoint("cache-1", "http").Port;

        // First, that the count this test reads moves when cache-0 opens a connection to cache-1: more
        // fetches at once than it has connections open there, each held open by a slow key's load (3 s),
        // need one more. A count that is missing or never moves fails here, instead of passing the reuse
        // check below with 0 new connections.
        Connections beforeProbe = await ConnectionsAsync("cache-0", ownerPort);
        string[] slowKeys = [.. Enumerable.Range(0, (int)beforeProbe.Open + 1).Select(i => ClusterFixture.KeyOwnedBy("cache-1", $"slow-connections-{i}"))];
        await Task.WhenAll(slowKeys.Select(async key =>
        {
            using HttpResponseMessage held = await cluster.Nodes["cache-0"].GetAsync(CachePath(key), Token);
            Assert.Equal("peer", Assert.Single(held.Headers.GetValues("X-Cache-Result")));
        }));
        Connections afterProbe = await ConnectionsAsync("cache-0", ownerPort);
        Assert.True(
            afterProbe.Opened > beforeProbe.Opened,
            $"{slowKeys.Length} fetches at once from cache-0, with {beforeProbe.Open} connections open to cache-1, counted no new connection ({beforeProbe.Opened} opened before, {afterProbe.Opened} after).");

        // Keys of cache-1, loaded there first, then fetched once each by cache-0: one peer round trip per get.
        string[] keys = [.. Enumerable.Range(0, 100).Select(i => ClusterFixture.KeyOwnedBy("cache-1", $"reuse-{i}"))];
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Token }, async (key, token) =>
        {
            using HttpResponseMessage warm = await cluster.Nodes["cache-1"].GetAsync(CachePath(key), token);
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        });

        double openedBefore = (await ConnectionsAsync("cache-0", ownerPort)).Opened;
        foreach (string key in keys)
        {
            using HttpResponseMessage response = await cluster.Nodes["cache-0"].GetAsync(CachePath(key), Token);
            Assert.Equal("peer", Assert.Single(response.Headers.GetValues("X-Cache-Result")));
        }

        double opened = (await ConnectionsAsync("cache-0", ownerPort)).Opened - openedBefore;

        // 100 sequential fetches; a new connection each would show as 100.
        Assert.InRange(opened, 0, 2);
    }

    [Fact]
    public async Task AFailingKey_Gives502ProblemDetails_AndIsNotCached()
    {
        foreach ((string name, HttpClient node) in cluster.Nodes)
        {
            // A key per node: each node's asking starts with nothing remembered about its key.
            string key = "error-" + FreshKey($"failing-at-{name}");
            long before = await cluster.BackendCallsAsync(key, Token);
            var sinceAsked = Stopwatch.StartNew();
            using HttpResponseMessage response = await node.GetAsync(CachePath(key), Token);

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
            Assert.Equal(502, problem.RootElement.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));

            // Exactly one backend call: the owner's, never a second one from a node whose peer failed.
            Assert.Equal(before + 1, await cluster.BackendCallsAsync(key, Token));

            // Within the failure backoff the owner answers from memory: repeats at once get the same 502,
            // and the owner calls the backend no more than once a backoff, so at most 1 + elapsed / backoff
            // calls in all, timed from before the first request was sent to after the last answer came. On a
            // quick machine that is the first call alone; a slow one allows only what its backoffs allow,
            // where a node that did not remember the failure would call the backend for every repeat.
            for (int repeat = 0; repeat < 10; repeat++)
            {
                using HttpResponseMessage soon = await node.GetAsync(CachePath(key), Token);
                Assert.Equal(HttpStatusCode.BadGateway, soon.StatusCode);
            }

            TimeSpan elapsed = sinceAsked.Elapsed;
            long allowed = 1 + (long)(elapsed / CacheGroupOptions.DefaultFailureBackoff);
            long calls = await cluster.BackendCallsAsync(key, Token) - before;
            Assert.True(
                calls <= allowed,
                $"{name}: {calls} backend calls for 11 gets in {elapsed.TotalMilliseconds:0} ms; a {CacheGroupOptions.DefaultFailureBackoff.TotalMilliseconds:0} ms failure backoff allows {allowed}.");

            // After it, the backend is asked again.
            await Waits.UntilAsync(
                "the backend is asked again after the failure backoff",
                async () =>
                {
                    using HttpResponseMessage later = await node.GetAsync(CachePath(key), Token);
                    Assert.Equal(HttpStatusCode.BadGateway, later.StatusCode);
                    return await cluster.BackendCallsAsync(key, Token) - before > calls;
                },
                cancellationToken: Token);
        }
    }

    [Theory]
    [InlineData("/cache/demo/", 400)]
    [InlineData("/cache/demo", 400)]
    [InlineData("/cache/demo/%zz", 400)]
    [InlineData("/cache/demo/%C3", 400)]
    [InlineData("/cache/no-such-group/key", 404)]
    public async Task BadInput_GetsTheContractsProblemDetails(string path, int status)
    {
        foreach (HttpClient node in cluster.Nodes.Values)
        {
            // Sent exactly as written: Uri would otherwise "repair" a malformed escape into %25.
            var raw = new Uri(node.BaseAddress!.GetLeftPart(UriPartial.Authority) + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            using HttpResponseMessage response = await node.GetAsync(raw, Token);

            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task ATenKilobyteKey_IsRejectedWith400()
    {
        using HttpResponseMessage response = await cluster.Nodes["cache-1"].GetAsync(CachePath(new string('k', 10_000)), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("250", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b/c")]
    [InlineData("literal %2F not a slash")]
    [InlineData("100% sure")]
    [InlineData("ключ 😀 é")]
    public async Task KeysWithSlashesEscapesSpacesAndUnicode_ReachTheBackendIntact(string label)
    {
        string key = label + " " + Guid.NewGuid().ToString("N");

        foreach (HttpClient node in cluster.Nodes.Values)
        {
            using HttpResponseMessage response = await node.GetAsync(CachePath(key), Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, await cluster.BackendCallsAsync(key, Token));
    }

    [Fact]
    public async Task ThePeerApi_RefusesRequestsWithoutTheClustersSecret()
    {
        HttpClient node = cluster.Nodes["cache-2"];
        string path = "/_peer/demo/" + Uri.EscapeDataString(FreshKey("intruder"));

        using HttpResponseMessage anonymous = await node.GetAsync(path, Token);
        using var forged = new HttpRequestMessage(HttpMethod.Get, path);
        forged.Headers.TryAddWithoutValidation("Authorization", "Bearer not-the-secret-of-this-cluster");
        using HttpResponseMessage wrong = await node.SendAsync(forged, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheAddressEachNodeHasForAMember_ReachesThatMember()
    {
        foreach ((string name, HttpClient node) in cluster.Nodes)
        {
            ClusterAnswer answer = await ClusterAnswer.ReadAsync(node, Token);
            Assert.Equal(name, answer.Name);
            Assert.Equal(ClusterFixture.NodeNames, answer.Members.Select(m => m.Name));

            foreach (MemberAnswer member in answer.Members)
            {
                string address = Assert.Single(member.Addresses);
                using var direct = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
                ClusterAnswer memberAnswer = await ClusterAnswer.ReadAsync(direct, Token);
                Assert.Equal(member.Name, memberAnswer.Name);
            }
        }
    }

    [Fact]
    public async Task EveryNode_WasGivenTheSameMemberSet_AndCountsNoDisagreement()
    {
        var fingerprints = new HashSet<string>(StringComparer.Ordinal);
        foreach (HttpClient node in cluster.Nodes.Values)
        {
            JsonElement membership = (await node.GetFromJsonAsync<JsonElement>("/cluster", Token)).GetProperty("membership");
            Assert.Equal(ClusterFixture.NodeNames, membership.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
            fingerprints.Add(membership.GetProperty("fingerprint").GetString()!);

            // Probes go every second between every pair, each carrying the sender's fingerprint.
            string metrics = await node.GetStringAsync("/metrics", Token);
            string[] lines = metrics.Split('\n');
            Assert.All(
                lines.Where(l => l.StartsWith("aspirecache_membership_disagreements_total", StringComparison.Ordinal)),
                l => Assert.Equal("0", l.Split(' ')[1]));
            Assert.Contains(lines, l => l.StartsWith("aspirecache_membership_fingerprint", StringComparison.Ordinal));
        }

        Assert.Single(fingerprints);
    }

    [Fact]
    public async Task ARequestToANonOwner_IsOneTrace_FromTheClientThroughTheOwnerToTheBackend()
    {
        HttpClient asked = cluster.Nodes["cache-0"];
        for (int attempt = 0; attempt < 20; attempt++)
        {
            string key = FreshKey("trace");
            ActivityTraceId traceId = ActivityTraceId.CreateRandom();
            using var request = new HttpRequestMessage(HttpMethod.Get, CachePath(key));
            request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

            using HttpResponseMessage response = await asked.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (Assert.Single(response.Headers.GetValues("X-Cache-Result")) != "peer")
            {
                continue; // cache-0 owns this key; the trace must cross a peer, so try another.
            }

            // The backend was called by the owner, which was called by cache-0: the trace id made both hops.
            ClusterFixture.BackendStats? stats = await cluster.Backend.GetFromJsonAsync<ClusterFixture.BackendStats>("/stats", Token);
            Assert.Equal(traceId.ToHexString(), stats!.LastTraceIds[key]);
            return;
        }

        Assert.Fail("cache-0 owned 20 random keys in a row; the ring is broken.");
    }

    // The connections that a node's HttpClients have open to a port now, and all they ever opened there
    // (those open plus those already closed), from the System.Net.Http meter on the node's /metrics. One
    // read for both, so that a connection closing in between is counted once.
    private async Task<Connections> ConnectionsAsync(string node, int port)
    {
        string text = await cluster.Nodes[node].GetStringAsync("/metrics", Token);
        string portLabel = $"server_port=\"{port}\"";
        double open = 0;
        double closed = 0;
        foreach (string line in text.Split('\n'))
        {
            if (!line.Contains(portLabel, StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith("http_client_open_connections{", StringComparison.Ordinal))
            {
                open += ValueOf(line);
            }
            else if (line.StartsWith("http_client_connection_duration_seconds_count{", StringComparison.Ordinal))
            {
                closed += ValueOf(line);
            }
        }

        Assert.True(open + closed > 0 || text.Contains("http_client_open_connections", StringComparison.Ordinal), "The node exports no HttpClient connection metrics.");
        return new Connections(open, open + closed);

        static double ValueOf(string line) =>
            double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record Connections(double Open, double Opened);
}
