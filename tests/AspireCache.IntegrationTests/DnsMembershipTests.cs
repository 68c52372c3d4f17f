using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace AspireCache.IntegrationTests;

/// <summary>
/// DNS membership end to end (issue 12): nodes started by hand on their own loopback addresses learn the
/// members from dnsmasq's SRV records, as pods of a StatefulSet do from a headless Service, and the
/// cluster grows from three to five members and shrinks back to three while a load runs.
/// </summary>
public sealed class DnsMembershipTests
{
    private const string Group = "demo";
    private const int KeyCount = 2000;
    private const string PeerSecret = "dns-membership-tests-peer-secret-0123456789";

    // The refresh interval the nodes get: short, so that the test waits little for each change.
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    // The documented bound is one refresh interval plus the time of a query (and here dnsmasq's restart):
    // about a second. 15 s leaves ample room for a loaded 2-core CI machine, where five nodes, the
    // source, dnsmasq, the load and the test share two cores and a poll of five /cluster answers can
    // itself take a while; a node that missed a change would not catch up within it.
    private static readonly TimeSpan ConvergenceBound = TimeSpan.FromSeconds(15);

    // How long the test waits for a state before it fails: a start, whole rings, a load's progress.
    private static readonly TimeSpan StateBound = TimeSpan.FromSeconds(60);

    // Two of five members are new, so consistent hashing moves 2/5 of the keys. The spread around it: with
    // 1024 points per member a member's share of the ring is within a few percent of an equal share
    // (about ±0.01 of the keys for the two new members together), and 2000 keys sample that share with
    // a standard deviation of sqrt(0.4 * 0.6 / 2000) ≈ 0.011; ±0.06 is about four of the two combined.
    private const double ExpectedMovedShare = 2.0 / 5.0;
    private const double MovedShareTolerance = 0.06;

    // The hand-off means a moved key's new owner gets the value from the previous owner instead of the
    // source. Loads that remain come from the moment the nodes' views differ (each re-resolves on its own
    // interval); the issue asks for "far fewer loads than moved keys": fewer than one in ten.
    private const double MaxLoadsPerMovedKey = 0.10;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact(Timeout = 4 * 60 * 1000)]
    public async Task TheCluster_GrowsFrom3To5AndShrinksBack_UnderLoad_WithoutClientErrors_AndHandsTheMovedKeysOff()
    {
        if (!DnsServer.IsInstalled)
        {
            MissingTool.SkipOrFail(DnsServer.MissingMessage);
        }

        DnsMember[] five = [.. Enumerable.Range(1, 5).Select(MemberNumber)];
        DnsMember[] three = five[..3];
        string[] keys = [.. Enumerable.Range(0, KeyCount).Select(i => $"item-{i}")];
        string[] lateKeys = [.. Enumerable.Range(0, KeyCount).Select(i => $"late-{i}")];

        await using CountingSource source = await CountingSource.StartAsync(Token);
        await using DnsServer dns = await DnsServer.StartAsync(three, Token);
        var nodes = new Dictionary<string, HandStartedNode>(StringComparer.Ordinal);
        ClusterLoad? load = null;
        try
        {
            // Three members, each told only where DNS is.
            foreach (DnsMember member in three)
            {
                nodes[member.Target] = StartNode(member, dns, source);
            }

            await WaitUntilHealthyAsync(nodes.Values);
            await WaitForAgreementAsync(nodes.Values, three);
            int pointsPerMember = (await ClusterAnswer.ReadAsync(nodes[three[0].Target].Client, Token)).PointsPerMember;

            // The load runs from here to the end; every key is read once, its owner among three noted.
            load = new ClusterLoad(Group, keys, ClientsOf(nodes.Values), loops: 3, Token);
            Dictionary<string, string> ownersOf3 = await ReadEveryKeyAsync(nodes.Values, keys);

            // Grow: the new nodes start first, then DNS names them, as a scaled StatefulSet's pods do.
            foreach (DnsMember member in five[3..])
            {
                nodes[member.Target] = StartNode(member, dns, source);
            }

            await WaitUntilHealthyAsync(nodes.Values);
            Dictionary<string, int> beforeGrow = source.Loads();
            TimeSpan grewIn = await ChangeMembersAsync(dns, five, nodes.Values);
            await load.RetargetAsync(ClientsOf(nodes.Values), StateBound, Token);
            Dictionary<string, string> ownersOf5 = await ReadEveryKeyAsync(nodes.Values, keys);
            string[] movedOnGrow = Moved(ownersOf3, ownersOf5);
            int loadsOnGrow = source.LoadsSince(beforeGrow, movedOnGrow);
            double handOffHitsOnGrow = await HandOffsAsync(nodes.Values, "hit");
            string handOffsOnGrow = await HandOffFiguresAsync(nodes.Values);

            // Keys first read among five members live only at their owners among five (read once, they
            // leave no hot copy elsewhere): on the shrink, the two leaving members' keys can come only
            // from them or from the source. (The first keys' values are still at their owners among
            // three, which would serve them again without any hand-off.)
            Dictionary<string, string> lateOwnersOf5 = await ReadEveryKeyAsync(nodes.Values, lateKeys);

            // Shrink: DNS drops two members while they still run (a leaving pod drains in its preStop);
            // clients stop asking them, the three agree, every key is read, and only then do they stop.
            HandStartedNode[] leaving = [.. five[3..].Select(member => nodes[member.Target])];
            HandStartedNode[] staying = [.. three.Select(member => nodes[member.Target])];
            await load.RetargetAsync(ClientsOf(staying), StateBound, Token);
            Dictionary<string, int> beforeShrink = source.Loads();
            TimeSpan shrankIn = await ChangeMembersAsync(dns, three, staying);
            Dictionary<string, string> lateOwnersBack = await ReadEveryKeyAsync(staying, lateKeys);
            string[] movedOnShrink = Moved(lateOwnersOf5, lateOwnersBack);
            int loadsOnShrink = source.LoadsSince(beforeShrink, movedOnShrink);
            await ReadEveryKeyAsync(staying, keys);
            double handOffHitsInAll = await HandOffsAsync(nodes.Values, "hit");
            string handOffsInAll = await HandOffFiguresAsync(nodes.Values);
            foreach (HandStartedNode node in leaving)
            {
                Assert.True(await node.StopAsync(), $"{node.Name} did not stop within its grace period after SIGTERM.");
                Assert.Equal(0, node.ExitCode);
            }

            // The load goes on against the three for a while after the two have gone, then stops.
            await load.WaitForMoreRequestsAsync(300, StateBound, Token);
            await load.StopAsync();

            int predictedOnGrow = PredictedMoves(keys, pointsPerMember, three, five).Length;
            int predictedOnShrink = PredictedMoves(lateKeys, pointsPerMember, five, three).Length;
            Output?.WriteLine(string.Join('\n', [
                $"keys: {KeyCount}; requests of the background load: {load.Requests}; client errors: {load.Errors.Count}",
                $"grow 3 -> 5: all rings agreed {grewIn.TotalSeconds:F2} s after the DNS change began (bound {ConvergenceBound.TotalSeconds} s, refresh interval {RefreshInterval.TotalSeconds} s)",
                $"  moved keys {movedOnGrow.Length} ({Share(movedOnGrow.Length):P1}; the ring predicts {predictedOnGrow}, consistent hashing {ExpectedMovedShare:P0}); source loads of them {loadsOnGrow}; {handOffsOnGrow}",
                $"shrink 5 -> 3: the remaining rings agreed {shrankIn.TotalSeconds:F2} s after the DNS change began",
                $"  moved keys first read among five {movedOnShrink.Length} ({Share(movedOnShrink.Length):P1}; the ring predicts {predictedOnShrink}); source loads of them {loadsOnShrink}; in all, {handOffsInAll}",
                $"dnsmasq started {dns.Starts} times; source loads in all {source.Loads().Values.Sum()}",
            ]));

            Assert.True(load.Errors.Count == 0, $"{load.Errors.Count} client errors, the first: \n{string.Join('\n', load.Errors.Take(20))}");
            AssertConvergedInTime("grow", grewIn);
            AssertConvergedInTime("shrink", shrankIn);
            AssertMovedShare("grow", movedOnGrow.Length);
            AssertMovedShare("shrink", movedOnShrink.Length);
            AssertHandedOff("grow", movedOnGrow.Length, loadsOnGrow);
            AssertHandedOff("shrink", movedOnShrink.Length, loadsOnShrink);
            Assert.True(handOffHitsOnGrow > 0, "No hand-off hit (aspirecache_hand_offs_total{aspirecache_result=\"hit\"}) on any node after the grow.");
            Assert.True(handOffHitsInAll > handOffHitsOnGrow, "No hand-off hit (aspirecache_hand_offs_total{aspirecache_result=\"hit\"}) on any node after the shrink.");
        }
        catch
        {
            WriteProcessOutputs(dns, nodes.Values);
            throw;
        }
        finally
        {
            if (load is not null)
            {
                await load.DisposeAsync();
            }

            foreach (HandStartedNode node in nodes.Values)
            {
                await node.DisposeAsync();
            }
        }
    }

    // Node n is node<n>.cache.test on 127.0.0.(10+n), like a pod on its own IP, at a free port there.
    private static DnsMember MemberNumber(int n)
    {
        var address = IPAddress.Parse($"127.0.0.{10 + n}");
        return new DnsMember($"node{n}.cache.test", address, FreePort.On(address));
    }

    /// <summary>Starts a node whose members are DNS's, per the DNS membership settings (Cache__MembersDnsName and the rest).</summary>
    private static HandStartedNode StartNode(DnsMember member, DnsServer dns, CountingSource source) =>
        HandStartedNode.Start(member.Target, member.Url, new Dictionary<string, string>
        {
            ["Cache__NodeName"] = member.Target,
            ["Cache__MembersDnsName"] = DnsServer.ServiceName,
            ["Cache__MembersDnsServer"] = $"{dns.EndPoint.Address}:{dns.EndPoint.Port}",
            ["Cache__MembersRefreshInterval"] = RefreshInterval.ToString("c", CultureInfo.InvariantCulture),

            // Longer than the test's phases can take on a slow machine: the test is of the hand-off, not of its window's end.
            ["Cache__HandOffWindow"] = "00:02:00",
            ["Cache__PeerSecret"] = PeerSecret,
            ["Cache__KeyHashSecret"] = "dns-membership-tests-key-hash-secret-0123",
            ["Cache__PeerTimeout"] = "00:00:05", // A cold peer on a loaded 2-core machine: a timeout would turn a hand-off or a fetch into a load.
            [$"Cache__Groups__{Group}__SourceService"] = "source",
            ["services__source__http__0"] = source.Url.ToString().TrimEnd('/'),
        });

    private static async Task WaitUntilHealthyAsync(IEnumerable<HandStartedNode> nodes)
    {
        foreach (HandStartedNode node in nodes)
        {
            await node.WaitUntilHealthyAsync(StateBound, Token);
        }
    }

    /// <summary>Serves <paramref name="members"/> from DNS and returns how long, from the start of the change, until <paramref name="nodes"/> all agree on them.</summary>
    private static async Task<TimeSpan> ChangeMembersAsync(DnsServer dns, DnsMember[] members, IEnumerable<HandStartedNode> nodes)
    {
        var elapsed = Stopwatch.StartNew();
        await dns.SetMembersAsync(members, Token);
        await WaitForAgreementAsync(nodes, members);
        return elapsed.Elapsed;
    }

    /// <summary>
    /// Waits until every one of <paramref name="nodes"/> has exactly <paramref name="members"/> as its member
    /// set, all with the same fingerprint, and every member in its ring.
    /// </summary>
    /// <remarks>
    /// Waits up to <see cref="StateBound"/>, longer than <see cref="ConvergenceBound"/>, so that a slow
    /// convergence fails with the time it took rather than a bare time-out.
    /// </remarks>
    private static Task WaitForAgreementAsync(IEnumerable<HandStartedNode> nodes, DnsMember[] members)
    {
        string[] names = [.. members.Select(member => member.Target)];
        return Waits.UntilAsync(
            $"every node has the member set [{string.Join(", ", names)}], with one fingerprint, and every member in its ring",
            async () =>
            {
                var fingerprints = new HashSet<string>(StringComparer.Ordinal);
                foreach (HandStartedNode node in nodes)
                {
                    MembershipAnswer membership = await MembershipAnswer.ReadAsync(node.Client, Token);
                    ClusterAnswer cluster = await ClusterAnswer.ReadAsync(node.Client, Token);
                    if (!membership.Is(names) || !cluster.HasWholeRing(names.Length))
                    {
                        return false;
                    }

                    fingerprints.Add(membership.Fingerprint);
                }

                return fingerprints.Count == 1;
            },
            StateBound,
            cancellationToken: Token);
    }

    /// <summary>Reads every key once, from the nodes in turn, and returns each key's owner as the node asked named it (X-Cache-Owner).</summary>
    private static async Task<Dictionary<string, string>> ReadEveryKeyAsync(IEnumerable<HandStartedNode> nodes, string[] keys)
    {
        HttpClient[] clients = ClientsOf(nodes);
        var owners = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, keys.Length),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Token },
            async (i, cancellationToken) =>
            {
                HttpClient node = clients[i % clients.Length];
                string key = keys[i];
                using HttpResponseMessage answer = await node.GetAsync(new Uri($"/cache/{Group}/{key}", UriKind.Relative), cancellationToken);
                string body = await answer.Content.ReadAsStringAsync(cancellationToken);
                if (!answer.IsSuccessStatusCode || body != CountingSource.ValueOf(key))
                {
                    errors.Enqueue($"{node.BaseAddress} {key}: {(int)answer.StatusCode} {body}");
                }
                else
                {
                    owners[key] = Assert.Single(answer.Headers.GetValues("X-Cache-Owner"));
                }
            });

        Assert.True(errors.IsEmpty, $"{errors.Count} reads of every key failed, the first:\n{string.Join('\n', errors.Take(20))}");
        return new Dictionary<string, string>(owners, StringComparer.Ordinal);
    }

    private static string[] Moved(Dictionary<string, string> before, Dictionary<string, string> after) =>
        [.. before.Keys.Where(key => before[key] != after[key])];

    /// <summary>The keys whose owner differs between rings of <paramref name="from"/> and <paramref name="to"/>, as every node computes them.</summary>
    private static string[] PredictedMoves(string[] keys, int pointsPerMember, DnsMember[] from, DnsMember[] to)
    {
        var before = new ConsistentHashRing(pointsPerMember);
        before.SetMembers(from.Select(member => member.Target));
        var after = new ConsistentHashRing(pointsPerMember);
        after.SetMembers(to.Select(member => member.Target));
        return [.. keys.Where(key => before.GetOwner(key) != after.GetOwner(key))];
    }

    // Every node's count of hand-offs with that result (hit: the previous owner had the value; miss; error), summed.
    private static async Task<double> HandOffsAsync(IEnumerable<HandStartedNode> nodes, string result)
    {
        double count = 0;
        foreach (HandStartedNode node in nodes)
        {
            count += await NodeMetrics.SumAsync(node.Client, "aspirecache_hand_offs_total", [$"aspirecache_result=\"{result}\""], Token);
        }

        return count;
    }

    private static async Task<string> HandOffFiguresAsync(IEnumerable<HandStartedNode> nodes) =>
        $"hand-offs hit {await HandOffsAsync(nodes, "hit")}, missed {await HandOffsAsync(nodes, "miss")}, error {await HandOffsAsync(nodes, "error")}";

    private static HttpClient[] ClientsOf(IEnumerable<HandStartedNode> nodes) => [.. nodes.Select(node => node.Client)];

    private static double Share(int keys) => (double)keys / KeyCount;

    private static void AssertConvergedInTime(string change, TimeSpan took) =>
        Assert.True(took <= ConvergenceBound, $"After the {change}, the rings agreed only after {took.TotalSeconds:F1} s (bound {ConvergenceBound.TotalSeconds} s).");

    private static void AssertMovedShare(string change, int moved) =>
        Assert.True(
            Math.Abs(Share(moved) - ExpectedMovedShare) <= MovedShareTolerance,
            $"The {change} moved {moved} of {KeyCount} keys ({Share(moved):P1}); consistent hashing predicts {ExpectedMovedShare:P0} ± {MovedShareTolerance:P0}.");

    private static void AssertHandedOff(string change, int moved, int loads) =>
        Assert.True(
            loads < moved * MaxLoadsPerMovedKey,
            $"The {change} moved {moved} keys and the source loaded them {loads} times: the hand-off should keep that under {MaxLoadsPerMovedKey:P0} of the moved keys.");

    private static void WriteProcessOutputs(DnsServer dns, IEnumerable<HandStartedNode> nodes)
    {
        if (Output is not { } output)
        {
            return;
        }

        output.WriteLine($"--- dnsmasq on {dns.EndPoint}, serving [{string.Join(", ", dns.Members)}]:\n{dns.Log}");
        foreach (HandStartedNode node in nodes)
        {
            output.WriteLine($"--- {node.Name} at {node.Url}{(node.HasExited ? $", exited with {node.ExitCode}" : string.Empty)}:\n{node.Output}");
        }
    }
}
