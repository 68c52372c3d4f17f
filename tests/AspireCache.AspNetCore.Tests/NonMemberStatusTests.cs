using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.AspNetCore.Tests;

/// <summary>
/// A status request from a name that is not a member: answered 409 and kept in no table, and the asker,
/// which is then told no changes, neither ejects the node nor renews its lease, so it clears before it
/// serves again. A node of the previous protocol, which would take the 409 for a failed probe, is answered as before.
/// Not run beside other tests: its two nodes disagree on the members on purpose, and the disagreement counter is
/// read process-wide by another test class.
/// </summary>
[Collection(nameof(NonMemberStatusTests))]
[CollectionDefinition(nameof(NonMemberStatusTests), DisableParallelization = true)]
public sealed class NonMemberStatusTests : IDisposable
{
    private readonly ScriptedMembers _soloMembers = new();
    private readonly RefreshingNodeFactory _solo;
    private readonly FakeClockNode _other;

    public NonMemberStatusTests()
    {
        _solo = new RefreshingNodeFactory(_soloMembers);
        _other = new FakeClockNode(_solo);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _other.Dispose();
        _solo.Dispose();
    }

    [Fact]
    public async Task AStatusRequestNamingANonMember_Is409ForThisProtocol_AndAnsweredAsBeforeForTheLast_AndKeptNowhere()
    {
        using HttpClient peer = NodeClients.Peer(_solo);
        MissedChanges missed = _solo.Services.GetRequiredService<MissedChanges>();
        int trackedBefore = missed.TrackedNames;

        for (int i = 0; i < 100; i++)
        {
            using HttpResponseMessage refused = await AskStatusAsync(peer, $"stranger-{i}", protocol: "3");
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal(PeerProtocol.NotAMemberProblem, (await refused.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("type").GetString());
        }

        using HttpResponseMessage previous = await AskStatusAsync(peer, "stranger-of-version-2", protocol: "2");
        Assert.Equal(HttpStatusCode.OK, previous.StatusCode);
        Assert.Equal("{}", await previous.Content.ReadAsStringAsync(Token));

        using HttpResponseMessage member = await AskStatusAsync(peer, "solo", protocol: "3");
        Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        Assert.Equal(trackedBefore + 1, missed.TrackedNames); // The member's clean answer; no stranger's name.
    }

    [Fact]
    public async Task ANodeThatIsNoLongerAMember_KeepsThisNodeInItsRing_ButClearsBeforeItServesAgain()
    {
        _soloMembers.Answer(new ClusterMember("solo", _solo.BaseAddress), new ClusterMember("other", _other.BaseAddress));
        using HttpClient otherClient = NodeClients.Anonymous(_other);
        LocalNode other = _other.Services.GetRequiredService<LocalNode>();
        PeerProber otherProber = _other.Services.GetServices<IHostedService>().OfType<PeerProber>().Single();
        CacheGroup otherGroup = other.Groups[CacheNodeFactory.Group];
        string key = KeyOwnedBy(_other, "other");
        await Waits.UntilAsync("solo lists other", () => _solo.Services.GetRequiredService<Membership>().Has("other"), cancellationToken: Token);
        await otherProber.ProbeAllAsync(Token);
        await ResultOfAsync(otherClient, key);
        Assert.Equal("hit", await ResultOfAsync(otherClient, key));
        long clearsBefore = otherGroup.Stats.PeerClears;

        // Solo no longer lists other, so it tells other of no change: other must stop trusting what it holds.
        _soloMembers.Answer(new ClusterMember("solo", _solo.BaseAddress));
        await Waits.UntilAsync("solo no longer lists other", () => !_solo.Services.GetRequiredService<Membership>().Has("other"), cancellationToken: Token);

        // A probe every tenth of the lease, for one lease and more: none renews it, and none counts against solo.
        for (int step = 0; step <= 10; step++)
        {
            _other.Clock.Advance(FakeClockNode.Lease / 10);
            await otherProber.ProbeAllAsync(Token);
            Assert.Equal(MemberState.Up, other.Health.Snapshot()["solo"].State);
        }

        Assert.Equal("load", await ResultOfAsync(otherClient, key));
        Assert.Equal(clearsBefore + 1, otherGroup.Stats.PeerClears);
        Assert.Contains("solo", other.Picker.Ring.Members);
    }

    private static async Task<HttpResponseMessage> AskStatusAsync(HttpClient peer, string member, string protocol)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, PeerStatusEndpoints.StatusPath);
        request.Headers.Add(PeerStatusEndpoints.MemberHeader, member);
        request.Headers.Add(PeerProtocol.VersionHeader, protocol);
        return await peer.SendAsync(request, Token);
    }

    private static async Task<string?> ResultOfAsync(HttpClient client, string key)
    {
        using HttpResponseMessage response = await client.GetAsync($"/cache/{CacheNodeFactory.Group}/{key}", Token);
        response.EnsureSuccessStatusCode();
        return response.Header(AspireCache.Client.CacheHttpProtocol.ResultHeader);
    }

    private static string KeyOwnedBy(CacheNodeFactory node, string owner)
    {
        RingPeerPicker picker = node.Services.GetRequiredService<LocalNode>().Picker;
        for (int i = 0; ; i++)
        {
            string key = $"non-member-{i}";
            if (picker.OwnerOf(key) == owner)
            {
                return key;
            }
        }
    }

    /// <summary>
    /// "other", a member of a fixed pair with solo, on a fake clock: it probes only when a test says so, and its
    /// lease runs out only as the test moves its clock.
    /// </summary>
    private sealed class FakeClockNode(CacheNodeFactory solo) : CacheNodeFactory
    {
        /// <summary>The lease with these settings: (2 + 2) × (1 s + 30 s).</summary>
        public static readonly TimeSpan Lease = TimeSpan.FromSeconds(124);

        public FakeTimeProvider Clock { get; } = new();

        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            settings["Cache:NodeName"] = "other";
            settings["Cache:Members:0"] = "other";
            settings["Cache:Members:1"] = "solo";
            settings["services:solo:http:0"] = solo.BaseAddress.ToString();

            // The probe client's own timeout is on the real clock: long, so that a slow machine cannot turn a probe into a timeout.
            settings["Cache:ProbeTimeout"] = "00:00:30";
        }

        protected override void AddServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
    }
}
