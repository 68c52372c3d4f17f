using System.Net.Http.Json;
using System.Text.Json;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The node follows its membership source: members join and leave its ring, and a source that fails changes nothing.</summary>
public sealed class MembershipRefreshTests : IDisposable
{
    private readonly ScriptedMembers _source = new();
    private readonly RefreshingNodeFactory _node;

    public MembershipRefreshTests() => _node = new RefreshingNodeFactory(_source);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task AMemberThatAppears_Joins_AFailingSourceKeepsTheLastAnswer_AndAMemberThatGoes_Leaves()
    {
        using HttpClient client = NodeClients.Anonymous(_node);
        _source.Answer(new ClusterMember("solo", new Uri("http://127.0.0.1:9")), new ClusterMember("other", new Uri("http://127.0.0.1:9")));
        await Waits.UntilAsync("the node has the member 'other'", async () => (await MembersAsync(client)).SequenceEqual(["other", "solo"]), cancellationToken: Token);
        JsonElement joined = await MembershipAsync(client);
        Assert.Equal(1, joined.GetProperty("changes").GetInt64());
        Assert.Equal(MembershipFingerprint.Of(["other", "solo"]).ToString(), joined.GetProperty("fingerprint").GetString());

        // DNS restarting, say: several refreshes fail, and the node keeps what it had.
        int asked = _source.Fail();
        await Waits.UntilAsync("three refreshes have failed", () => _source.Asked >= asked + 3, cancellationToken: Token);
        Assert.Equal(["other", "solo"], await MembersAsync(client));
        Assert.Equal(1, (await MembershipAsync(client)).GetProperty("changes").GetInt64());

        _source.Answer(new ClusterMember("solo", new Uri("http://127.0.0.1:9")));
        await Waits.UntilAsync("'other' has left", async () => (await MembersAsync(client)).SequenceEqual(["solo"]), cancellationToken: Token);
        Assert.Equal(2, (await MembershipAsync(client)).GetProperty("changes").GetInt64());
    }

    private static async Task<JsonElement> MembershipAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/cluster", Token)).GetProperty("membership");

    private static async Task<string[]> MembersAsync(HttpClient client) =>
        [.. (await MembershipAsync(client)).GetProperty("members").EnumerateArray().Select(m => m.GetString()!)];
}
