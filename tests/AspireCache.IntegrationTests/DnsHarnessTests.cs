using System.Net;
using System.Net.Sockets;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The pieces the DNS membership test is built from, each shown to work on its own: dnsmasq answers the
/// members' SRV and A records and a changed set after its restart, and nodes started by hand start,
/// serve, and stop on SIGTERM leaving nothing behind.
/// </summary>
public sealed class DnsHarnessTests
{
    private const string PeerSecret = "dns-harness-tests-peer-secret-0123456789";

    private static readonly TimeSpan StateBound = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 2 * 60 * 1000)]
    public async Task Dnsmasq_AnswersEachMembersSrvAndARecord_AndAChangedSetAfterItsRestart_OnTheSamePort()
    {
        if (!DnsServer.IsInstalled)
        {
            MissingTool.SkipOrFail(DnsServer.MissingMessage);
        }

        DnsMember[] five = [.. Enumerable.Range(1, 5).Select(n => new DnsMember($"node{n}.cache.test", IPAddress.Parse($"127.0.0.{10 + n}"), 40000 + n))];
        int? lastProcess;
        string folder;
        await using (DnsServer dns = await DnsServer.StartAsync(five[..3], Token))
        {
            IPEndPoint endPoint = dns.EndPoint;
            folder = dns.ConfigurationFolder;
            Assert.Equal(five[..3], await dns.TryResolveAsync(Token));
            int? firstProcess = dns.ProcessId;

            await dns.SetMembersAsync(five, Token);
            Assert.Equal(five, await dns.TryResolveAsync(Token));
            Assert.Equal(endPoint, dns.EndPoint);
            Assert.NotEqual(firstProcess, dns.ProcessId);

            await dns.SetMembersAsync(five[..3], Token);
            Assert.Equal(five[..3], await dns.TryResolveAsync(Token));
            Assert.Equal(3, dns.Starts);
            lastProcess = dns.ProcessId;
            Assert.NotNull(lastProcess);
        }

        // Stopped: no dnsmasq process, nothing answering, no configuration left.
        Assert.False(Directory.Exists($"/proc/{lastProcess}"), $"dnsmasq ({lastProcess}) still runs after the server was disposed.");
        Assert.False(Directory.Exists(folder), $"The configuration folder {folder} is left behind.");
    }

    [Fact(Timeout = 3 * 60 * 1000)]
    public async Task HandStartedNodes_AnswerHealth_ServeFromTheSourceAndEachOther_AndStopOnSigtermLeavingNothing()
    {
        // Two nodes with a static member list (the settings every node understands today): each on its own
        // loopback address, the peer found through service discovery like the source.
        (string Name, Uri Url)[] members =
        [
            ("node1", new Uri($"http://127.0.0.21:{FreePort.On(IPAddress.Parse("127.0.0.21"))}")),
            ("node2", new Uri($"http://127.0.0.22:{FreePort.On(IPAddress.Parse("127.0.0.22"))}")),
        ];
        await using CountingSource source = await CountingSource.StartAsync(Token);
        var nodes = new List<HandStartedNode>();
        try
        {
            foreach ((string name, Uri url) in members)
            {
                var settings = new Dictionary<string, string>
                {
                    ["Cache__NodeName"] = name,
                    ["Cache__PeerSecret"] = PeerSecret,
                    ["Cache__KeyHashSecret"] = "dns-harness-tests-key-hash-secret-0123",
                    ["Cache__PeerTimeout"] = "00:00:05", // A cold peer on a loaded 2-core machine: a timeout would turn a hand-off or a fetch into a load.
                    ["Cache__Groups__demo__SourceService"] = "source",
                    ["services__source__http__0"] = source.Url.ToString().TrimEnd('/'),
                };
                for (int i = 0; i < members.Length; i++)
                {
                    settings[$"Cache__Members__{i}"] = members[i].Name;
                    settings[$"services__{members[i].Name}__http__0"] = members[i].Url.ToString().TrimEnd('/');
                }

                nodes.Add(HandStartedNode.Start(name, url, settings));
            }

            foreach (HandStartedNode node in nodes)
            {
                await node.WaitUntilHealthyAsync(StateBound, Token);
                Assert.Equal(node.Name, (await ClusterAnswer.ReadAsync(node.Client, Token)).Name);
            }

            // Every node reads the key; the source loads it once, at its owner.
            foreach (HandStartedNode node in nodes)
            {
                using HttpResponseMessage answer = await node.Client.GetAsync(new Uri("/cache/demo/item-1", UriKind.Relative), Token);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                Assert.Equal(CountingSource.ValueOf("item-1"), await answer.Content.ReadAsStringAsync(Token));
            }

            Assert.Equal(1, source.Loads()["item-1"]);

            foreach (HandStartedNode node in nodes)
            {
                int pid = node.ProcessId;
                Assert.True(await node.StopAsync(), $"{node.Name} did not stop within its grace period after SIGTERM. Its output:\n{node.Output}");
                Assert.Equal(0, node.ExitCode);
                Assert.False(Directory.Exists($"/proc/{pid}"), $"{node.Name}'s process {pid} is still there.");
                AssertNothingListensAt(node.Url);
            }
        }
        catch
        {
            foreach (HandStartedNode node in nodes)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"--- {node.Name} at {node.Url}:\n{node.Output}");
            }

            throw;
        }
        finally
        {
            foreach (HandStartedNode node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    // The node's address is free again: it can be bound by another listener.
    private static void AssertNothingListensAt(Uri url)
    {
        var listener = new TcpListener(IPAddress.Parse(url.Host), url.Port);
        try
        {
            listener.Start();
        }
        catch (SocketException ex)
        {
            Assert.Fail($"{url} is still taken after its node stopped: {ex.Message}");
        }
        finally
        {
            listener.Stop();
        }
    }
}
