using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using DnsClient;
using DnsClient.Protocol;

namespace AspireCache.IntegrationTests;

/// <summary>
/// A real DNS server on loopback for DNS membership tests: Debian's dnsmasq, serving one SRV record per
/// member under <see cref="ServiceName"/> and an A record for each member's target, as a Kubernetes
/// headless Service does for its pods.
/// </summary>
/// <remarks>
/// dnsmasq does not reread <c>srv-host</c> on SIGHUP, so a new member set is a new configuration file and
/// a restart on the same port; <see cref="SetMembersAsync"/> returns once the new set is what dnsmasq
/// answers, asked with DnsClient, the resolver library the nodes use. While it restarts, queries fail,
/// as they do when a cluster's DNS is briefly unreachable (a node then keeps its last answer).
/// </remarks>
internal sealed class DnsServer : IAsyncDisposable
{
    /// <summary>Where Debian's package <c>dnsmasq-base</c> installs it.</summary>
    public const string ExecutablePath = "/usr/sbin/dnsmasq";

    /// <summary>The SRV name the members are published under; the nodes' <c>Cache__MembersDnsName</c>.</summary>
    public const string ServiceName = "_http._tcp.cache.test";

    // A start takes milliseconds; the bound is for a loaded 2-core CI machine.
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("aspirecache-dns-");
    private readonly ConcurrentQueue<string> _log = new();
    private readonly LookupClient _lookup;
    private Process? _process;

    private DnsServer()
    {
        EndPoint = new IPEndPoint(IPAddress.Loopback, FreePort.On(IPAddress.Loopback));

        // No cache and no retries: every question reaches the dnsmasq running now, and a stopped one
        // shows up within the timeout instead of behind an older answer.
        _lookup = new LookupClient(new LookupClientOptions(EndPoint)
        {
            UseCache = false,
            Retries = 0,
            Timeout = TimeSpan.FromSeconds(1),
        });
    }

    /// <summary>Whether dnsmasq is installed; a test that needs it skips (or fails under CI) when it is not.</summary>
    public static bool IsInstalled => File.Exists(ExecutablePath);

    /// <summary>What a test says when dnsmasq is missing.</summary>
    public static string MissingMessage => $"dnsmasq is not installed at {ExecutablePath} (apt-get install dnsmasq-base; .ci/run does).";

    /// <summary>The address and port dnsmasq answers on (127.0.0.1, a free port); the nodes' <c>Cache__MembersDnsServer</c>.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The temporary folder of dnsmasq's configuration file; deleted with the server.</summary>
    public string ConfigurationFolder => _folder.FullName;

    /// <summary>The member set dnsmasq serves now.</summary>
    public IReadOnlyList<DnsMember> Members { get; private set; } = [];

    /// <summary>How many times dnsmasq has been started (one per member set).</summary>
    public int Starts { get; private set; }

    /// <summary>The process id of the dnsmasq running now, if any.</summary>
    public int? ProcessId => _process is { HasExited: false } running ? running.Id : null;

    /// <summary>What dnsmasq wrote, every run of it, for a failing test's output.</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>Starts dnsmasq serving <paramref name="members"/>, and returns once it answers with them.</summary>
    public static async Task<DnsServer> StartAsync(IEnumerable<DnsMember> members, CancellationToken cancellationToken)
    {
        var server = new DnsServer();
        try
        {
            await server.SetMembersAsync(members, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Serves <paramref name="members"/> instead of the current set: rewrites the configuration, restarts
    /// dnsmasq on the same port and returns once it answers with exactly that set.
    /// </summary>
    public async Task SetMembersAsync(IEnumerable<DnsMember> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        DnsMember[] wanted = [.. members.OrderBy(m => m.Target, StringComparer.Ordinal)];
        await StopAsync();

        string configFile = Path.Combine(_folder.FullName, "dnsmasq.conf");
        await File.WriteAllTextAsync(configFile, ConfigurationOf(wanted), cancellationToken);
        Process started = Start(configFile);
        _process = started;
        Starts++;

        string expected = string.Join(", ", wanted.Select(m => m.ToString()));
        await Waits.UntilAsync(
            $"dnsmasq on {EndPoint} answers {ServiceName} with [{expected}]",
            async () =>
            {
                if (started.HasExited)
                {
                    Assert.Fail($"dnsmasq exited with {started.ExitCode} before answering. Its output:\n{Log}");
                }

                return (await TryResolveAsync(cancellationToken)) is { } answer && answer.SequenceEqual(wanted);
            },
            AnswerBound,
            cancellationToken: cancellationToken);
        Members = wanted;
    }

    /// <summary>
    /// Asks dnsmasq for the members as a node does: the SRV records of <see cref="ServiceName"/>, then each
    /// target's A records. Null when dnsmasq does not answer (stopped, or not yet listening).
    /// </summary>
    public async Task<IReadOnlyList<DnsMember>?> TryResolveAsync(CancellationToken cancellationToken)
    {
        try
        {
            IDnsQueryResponse srv = await _lookup.QueryAsync(ServiceName, QueryType.SRV, cancellationToken: cancellationToken);
            var members = new List<DnsMember>();
            foreach (SrvRecord record in srv.Answers.SrvRecords())
            {
                string target = record.Target.Value.TrimEnd('.');
                IDnsQueryResponse a = await _lookup.QueryAsync(target, QueryType.A, cancellationToken: cancellationToken);
                members.AddRange(a.Answers.ARecords().Select(address => new DnsMember(target, address.Address, record.Port)));
            }

            return [.. members.OrderBy(m => m.Target, StringComparer.Ordinal)];
        }
        catch (DnsResponseException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder.Delete(recursive: true);
    }

    // One SRV record per member (priority 0, weight 0, as Kubernetes publishes them) and one A record
    // for its target. local-ttl=0 is dnsmasq's default, stated because the test relies on it: a
    // resolver that caches by TTL must still see a change at its next query.
    private static string ConfigurationOf(IEnumerable<DnsMember> members)
    {
        var config = new StringBuilder("local-ttl=0\n");
        foreach (DnsMember member in members)
        {
            config.Append(CultureInfo.InvariantCulture, $"srv-host={ServiceName},{member.Target},{member.Port},0,0\n");
            config.Append(CultureInfo.InvariantCulture, $"host-record={member.Target},{member.Address}\n");
        }

        return config.ToString();
    }

    private Process Start(string configFile)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // In the foreground, so that the process is ours to stop; nothing but the file's records (no
        // upstream servers, no /etc/hosts); on loopback only. --pid-file= writes none: run as root it
        // would write /run/dnsmasq.pid, left behind and shared with any system dnsmasq. --user and
        // --group root: as root, dnsmasq otherwise changes to nobody:dip, which a slim container may
        // lack (it then refuses to start); as a normal user it changes nothing and ignores them.
        // --log-facility=- logs to stderr, captured for a failing test's output.
        string[] arguments =
        [
            "--keep-in-foreground",
            "--no-resolv",
            "--no-hosts",
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            $"--port={EndPoint.Port}",
            $"--conf-file={configFile}",
            "--pid-file=",
            "--user=root",
            "--group=root",
            "--log-facility=-",
        ];
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }

    private async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        await ProcessStop.TerminateAsync(_process, StopGrace);
        _process.Dispose();
        _process = null;
    }
}
