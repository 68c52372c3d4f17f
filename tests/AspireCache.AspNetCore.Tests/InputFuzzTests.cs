using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// Issue 5: every input path rejects bad input with a 4xx of the contract, never a 5xx or a crash.
/// Thousands of seeded, hostile requests go to the real node on Kestrel over loopback; every get of a
/// key is also held to the key rules (<see cref="FuzzKey"/>): a valid key answers its own value.
/// </summary>
public sealed class InputFuzzTests(CacheNodeFactory node) : IClassFixture<CacheNodeFactory>
{
    private const int Seed = 5_2026;
    private const int CaseCount = 12_000;
    private const int Concurrency = 8;
    private const string ProblemJson = "application/problem+json";
    private const string InvalidKeyProblem = "urn:aspirecache:problem:invalid-key";

    // Kestrel's and routing's own refusals carry no body (bad request line, too long, headers too large,
    // no route, wrong method); every refusal with a body must be the contract's problem+json.
    private static readonly HashSet<int> BodilessRefusals = [400, 404, 405, 414, 431];

    [Fact]
    public async Task AnyRequest_WithHostileTargetsMethodsAndHeaders_IsAnsweredBelow500_EveryKeyByTheKeyRules_AndTheNodeStillServes()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        Uri server = node.BaseAddress;
        var generator = new FuzzCaseGenerator(Seed);
        List<FuzzCase> cases = [.. Enumerable.Range(0, CaseCount).Select(_ => generator.Next()), .. FixedCases()];

        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var failures = new ConcurrentQueue<string>();
        var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var examples = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var fixedOutcomes = new ConcurrentQueue<string>();
        int sentRaw = 0;
        int validKeys = 0;
        int invalidKeys = 0;
        var stopwatch = Stopwatch.StartNew();

        await Parallel.ForEachAsync(
            cases,
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (fuzzCase, token) =>
            {
                WireResponse response;
                try
                {
                    (response, bool raw) = await SendAsync(client, server, fuzzCase, token);
                    if (raw)
                    {
                        Interlocked.Increment(ref sentRaw);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or InvalidDataException or OperationCanceledException && !token.IsCancellationRequested)
                {
                    failures.Enqueue($"no answer ({ex.GetType().Name}: {ex.Message}): {fuzzCase.Describe()}");
                    return;
                }

                string outcome = $"{response.Status} {(response.BodyLength > 0 ? response.ContentType : "no body")}";
                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                examples.TryAdd(outcome, fuzzCase.Describe());
                if (fuzzCase.RawRequest is not null)
                {
                    fixedOutcomes.Enqueue($"  {outcome}: {fuzzCase.Describe()}");
                }
                if (Check(fuzzCase, response) is { } problem)
                {
                    failures.Enqueue($"{problem}: {fuzzCase.Describe()}");
                }

                if (FuzzKey.Of(fuzzCase) is { } key)
                {
                    if (key.Key is null)
                    {
                        Interlocked.Increment(ref invalidKeys);
                    }
                    else
                    {
                        Interlocked.Increment(ref validKeys);
                    }

                    if (CheckKey(key, response) is { } wrong)
                    {
                        failures.Enqueue($"{wrong}: {fuzzCase.Describe()}");
                    }
                }
            });

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{cases.Count} cases ({sentRaw} sent raw, {validKeys} valid and {invalidKeys} invalid keys of the group) in {stopwatch.Elapsed.TotalSeconds:0.0} s; answers: " +
            string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} × {o.Value}")));
        foreach ((string outcome, string example) in examples.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"  e.g. {outcome}: {example}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine("Fixed cases:\n" + string.Join('\n', fixedOutcomes));

        Assert.True(cases.Count >= 10_000);

        // The key oracle judged enough of both kinds to mean something (this seed gives about 1,500 of each).
        Assert.InRange(validKeys, 1_000, int.MaxValue);
        Assert.InRange(invalidKeys, 500, int.MaxValue);
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} requests broke the contract:\n{string.Join('\n', failures.Take(50))}");

        // The node still serves after the storm.
        using HttpResponseMessage ok = await client.GetAsync(new Uri(server, "/cache/demo/ok"), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(StubSourceHandler.ValueBytes, (await ok.Content.ReadAsByteArrayAsync(cancellationToken)).Length);
        using HttpResponseMessage health = await client.GetAsync(new Uri(server, "/health"), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("/cache/demo/", 400, InvalidKeyProblem)]
    [InlineData("/cache/demo/%zz", 400, InvalidKeyProblem)]
    [InlineData("/cache/demo/%ED%A0%80", 400, InvalidKeyProblem)]
    [InlineData("/cache/demo/%2E", 400, InvalidKeyProblem)]
    [InlineData("/cache/nosuchgroup/key", 404, "urn:aspirecache:problem:unknown-group")]
    public async Task Get_WithABadKeyOrGroup_AnswersAProblemWithADetail(string target, int status, string problemType)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var client = new HttpClient();

        using HttpResponseMessage response = await client.GetAsync(ExactUri(node.BaseAddress, target), cancellationToken);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        ProblemAnswer? problem = await response.Content.ReadFromJsonAsync<ProblemAnswer>(cancellationToken);
        Assert.Equal(problemType, problem?.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem?.Detail));
    }

    [Fact]
    public async Task Get_OfAKeyWithEscapedSlashesAroundDots_IsServedAsThatKey()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var client = new HttpClient();

        // "/../" escaped is one segment, no dot segment: a key like any other.
        using HttpResponseMessage response = await client.GetAsync(ExactUri(node.BaseAddress, "/cache/demo/%2F..%2F"), cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(StubSourceHandler.ValueOf("/../"), await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    [Theory]
    [InlineData("/CACHE/demo/ok")]
    [InlineData("/c%61che/demo/ok")]
    public async Task Get_WithThePrefixInAnotherCaseOrEscaped_IsServedLikeTheCanonicalPath(string target)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var client = new HttpClient();

        using HttpResponseMessage response = await client.GetAsync(ExactUri(node.BaseAddress, target), cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/cache/demo/ok", 405)]
    [InlineData("PATCH", "/_peer/demo/ok", 405)]
    [InlineData("DELETE", "/_peer/demo/ok", 401)]
    [InlineData("DELETE", "/cache/demo/ok", 401)]
    [InlineData("GET", "/cache//ok", 404)]
    [InlineData("GET", "/nowhere", 404)]
    public async Task RoutingErrors_AreProblemDetailsToo(string method, string target, int status)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), ExactUri(node.BaseAddress, target));

        using HttpResponseMessage response = await client.SendAsync(request, cancellationToken);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_WithAHundredKilobyteHeader_IsRefusedByKestrelWith431()
    {
        byte[] request = RawHttp.Build("GET", "/cache/demo/ok"u8.ToArray(), [$"X-Big: {new string('a', 100 * 1024)}"]);

        WireResponse response = await RawHttp.SendAsync(node.BaseAddress, request, TestContext.Current.CancellationToken);

        Assert.Equal(431, response.Status);
    }

    private static Uri ExactUri(Uri server, string target) =>
        new($"http://{server.Authority}{target}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    private static async Task<(WireResponse Response, bool Raw)> SendAsync(HttpClient client, Uri server, FuzzCase fuzzCase, CancellationToken cancellationToken)
    {
        if (fuzzCase.RawRequest is not null)
        {
            return (await RawHttp.SendAsync(server, fuzzCase.RawRequest, cancellationToken), true);
        }

        Uri? uri = null;
        if (!fuzzCase.RawOnly)
        {
            try
            {
                uri = ExactUri(server, fuzzCase.Target);
            }
            catch (UriFormatException)
            {
            }
        }

        if (uri is null)
        {
            List<string> headers = fuzzCase.Authorization is null ? [] : [$"Authorization: {fuzzCase.Authorization}"];
            byte[] request = RawHttp.Build(fuzzCase.Method, Encoding.UTF8.GetBytes(fuzzCase.Target), headers, fuzzCase.Body);
            return (await RawHttp.SendAsync(server, request, cancellationToken), true);
        }

        using var message = new HttpRequestMessage(new HttpMethod(fuzzCase.Method), uri);
        if (fuzzCase.Authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", fuzzCase.Authorization);
        }

        if (fuzzCase.Body is not null)
        {
            message.Content = new ByteArrayContent(fuzzCase.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        using HttpResponseMessage response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return (new WireResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body, response.Headers.Contains("X-Cache-Source-Error")), false);
    }

    private static string? Check(FuzzCase fuzzCase, WireResponse response)
    {
        if (response.Status >= 500)
        {
            // The contract's one deliberate 5xx here: the stub source fails every error- key.
            bool sourceFailure = response.Status == 502 && response.SourceError && fuzzCase.Target.Contains("/error-", StringComparison.Ordinal);
            return sourceFailure ? null : $"status {response.Status}";
        }

        if (response.Status >= 400)
        {
            if (response.BodyLength > 0 && response.ContentType?.StartsWith(ProblemJson, StringComparison.Ordinal) != true)
            {
                return $"status {response.Status} with a body of type '{response.ContentType}', not {ProblemJson}";
            }

            if (response.BodyLength == 0 && fuzzCase.Method != "HEAD" && !BodilessRefusals.Contains(response.Status))
            {
                return $"status {response.Status} without a problem body";
            }
        }

        return null;
    }

    // The second oracle: a valid key answers the source's bytes for exactly that key (or the stub's own
    // answer for its error-, missing- and big- keys), an invalid one 400 with the invalid-key type (or,
    // for an escaped NUL, which never reaches the node, Kestrel's 400 without a body).
    private static string? CheckKey(FuzzKey fuzzKey, WireResponse response)
    {
        if (fuzzKey.RefusedByKestrel)
        {
            return response.Status == 400 && response.BodyLength == 0 ? null : $"a key with U+0000 answered {response.Status} with {response.BodyLength} bytes, not Kestrel's 400 without a body";
        }

        if (fuzzKey.Key is not { } key)
        {
            return response.Status == 400 && response.ProblemType == InvalidKeyProblem
                ? null
                : $"an invalid key ({fuzzKey.Invalid}) answered {response.Status} '{response.ProblemType}', not 400 '{InvalidKeyProblem}'";
        }

        (int status, string what) = key switch
        {
            _ when key.StartsWith("error-", StringComparison.Ordinal) => (502, "the source's failure"),
            _ when key.StartsWith("missing-", StringComparison.Ordinal) => (404, "the source's 404"),
            _ when key.StartsWith("big-", StringComparison.Ordinal) => (502, "the source's value over the limit"),
            _ => (200, "the source's bytes for it"),
        };
        bool right = status == 200 ? response.Status == 200 && response.Body.AsSpan().SequenceEqual(StubSourceHandler.ValueOf(key)) : response.Status == status;
        return right ? null : $"the valid key '{FuzzCase.Printable(key)}' answered {response.Status} with {response.BodyLength} bytes '{response.ProblemType}', not {status}, {what}";
    }

    // Few, since each is slow or large: absurd headers, an absurd request line, bytes that are not
    // UTF-8 on the wire, control characters, and bodies on a GET that are not what they claim.
    private static IEnumerable<FuzzCase> FixedCases()
    {
        string auth = $"Authorization: Bearer {CacheNodeFactory.PeerSecretValue}";
        byte[] Target(string target) => Encoding.Latin1.GetBytes(target);
        FuzzCase Raw(byte[] request) => new("RAW", string.Empty, null, null, RawOnly: true, request);

        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/big-header"), [$"X-Big: {new string('a', 100 * 1024)}"]));
        yield return Raw(RawHttp.Build("GET", Target("/_peer/demo/big-auth"), [$"Authorization: Bearer {new string('s', 100 * 1024)}"]));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/many-headers"), Enumerable.Range(0, 2_000).Select(i => $"X-H{i}: {i}")));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/" + new string('k', 70 * 1024)), []));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/" + new string('k', 60 * 1024)), []));
        yield return Raw(RawHttp.Build("GET", [.. Target("/cache/demo/"), 0xFF, 0xFE], []));
        yield return Raw(RawHttp.Build("GET", [.. Target("/cache/demo/"), 0xED, 0xA0, 0x80], []));
        yield return Raw(RawHttp.Build("GET", [.. Target("/_peer/demo/"), 0xC0, 0xAF], [auth]));
        yield return Raw(RawHttp.Build("GET", [.. Target("/cache/"), 0xE2, 0x82, (byte)'/', (byte)'k'], []));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/a\u0001b"), []));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/a\tb"), []));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/a\0b"), []));
        yield return Raw(RawHttp.Build("GET", Target("*"), []));
        yield return Raw(RawHttp.Build("GET", Target("http://127.0.0.1/cache/demo/absolute-form"), []));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/with-body"), ["Content-Type: application/json"], Encoding.UTF8.GetBytes("{\"key\":\"x\"}")));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/chunked"), ["Transfer-Encoding: chunked"], Encoding.Latin1.GetBytes("zz\r\nnot a chunk\r\n")));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/short-body"), ["Content-Length: 1000"]));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/both-lengths"), ["Content-Length: 5", "Transfer-Encoding: chunked"], Encoding.Latin1.GetBytes("0\r\n\r\n")));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/bad-length"), ["Content-Length: -1"]));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/huge-length"), ["Content-Length: 99999999999999999999"]));
        yield return Raw(RawHttp.Build("GET", Target("/_peer/demo/auth-non-ascii"), ["Authorization: Bearer \u00e9\u00ff"]));
        yield return Raw(RawHttp.Build("GET", Target("/_peer/demo/two-auth"), [auth, "Authorization: Bearer wrong"]));
        yield return Raw(RawHttp.Build("GET", Target("/_peer/demo/empty-auth"), ["Authorization:"]));
        yield return Raw(RawHttp.Build("GET", Target("/cache/demo/bad-header"), ["No colon here"]));
        yield return Raw(RawHttp.Build("BREW", Target("/cache/demo/coffee"), []));
    }
}
