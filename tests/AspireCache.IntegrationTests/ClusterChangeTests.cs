using System.Net;
using System.Text;

namespace AspireCache.IntegrationTests;

/// <summary>
/// Writes, removals and clears on the running cluster: taken by one node, then read back from every node,
/// with the backend's override values and call counts showing where each answer came from.
/// </summary>
public sealed class ClusterChangeTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string CachePath(string key) => "/cache/demo/" + Uri.EscapeDataString(key);

    [Fact]
    public async Task AWriteARemovalAndAClear_TakenByOneNode_AreSeenByEveryNode()
    {
        string key = ClusterFixture.KeyOwnedBy("cache-1", "change");
        await WarmEverywhereAsync(key);
        Assert.Equal(1, await cluster.BackendCallsAsync(key, Token));

        // A write through a node that does not own the key: the owner stores it, every hot copy goes.
        using (HttpResponseMessage put = await cluster.SendAsAdminAsync("cache-0", new HttpRequestMessage(HttpMethod.Put, CachePath(key)) { Content = Text("written") }, Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        Assert.Equal(["written", "written", "written"], await ReadEverywhereAsync(key));
        Assert.Equal(1, await cluster.BackendCallsAsync(key, Token));

        // The data changes at the source; a removal through the third node makes every node see it.
        await SetAtSourceAsync(key, "changed");
        await WarmEverywhereAsync(key);
        using (HttpResponseMessage delete = await cluster.SendAsAdminAsync("cache-2", new HttpRequestMessage(HttpMethod.Delete, CachePath(key)), Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Equal(["changed", "changed", "changed"], await ReadEverywhereAsync(key));
        Assert.Equal(2, await cluster.BackendCallsAsync(key, Token));

        // Again, and a clear of the whole group through the owner.
        await SetAtSourceAsync(key, "after-clear");
        await WarmEverywhereAsync(key);
        using (HttpResponseMessage clear = await cluster.SendAsAdminAsync("cache-1", new HttpRequestMessage(HttpMethod.Post, "/_admin/groups/demo/clear"), Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, clear.StatusCode);
        }

        Assert.Equal(["after-clear", "after-clear", "after-clear"], await ReadEverywhereAsync(key));
        Assert.Equal(3, await cluster.BackendCallsAsync(key, Token));
    }

    [Fact]
    public async Task AClear_ReachesKeysOfEveryOwner()
    {
        string[] keys = [.. ClusterFixture.NodeNames.Select(owner => ClusterFixture.KeyOwnedBy(owner, "clear"))];
        foreach (string key in keys)
        {
            await WarmEverywhereAsync(key);
            await SetAtSourceAsync(key, "new-" + key);
        }

        using (HttpResponseMessage clear = await cluster.SendAsAdminAsync("cache-2", new HttpRequestMessage(HttpMethod.Post, "/_admin/groups/demo/clear"), Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, clear.StatusCode);
        }

        foreach (string key in keys)
        {
            Assert.All(await ReadEverywhereAsync(key), value => Assert.Equal("new-" + key, value));
        }
    }

    [Fact]
    public async Task TheClientWriteApi_RefusesNoSecret_AndThePeerSecret()
    {
        string key = ClusterFixture.KeyOwnedBy("cache-0", "refused");
        await WarmEverywhereAsync(key);
        using var asPeer = new HttpRequestMessage(HttpMethod.Delete, CachePath(key));
        asPeer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClusterFixture.PeerSecret);

        using HttpResponseMessage anonymous = await cluster.Nodes["cache-1"].DeleteAsync(CachePath(key), Token);
        using HttpResponseMessage peer = await cluster.Nodes["cache-1"].SendAsync(asPeer, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, peer.StatusCode);
        foreach (HttpClient node in cluster.Nodes.Values)
        {
            using HttpResponseMessage response = await node.GetAsync(CachePath(key), Token);
            Assert.NotEqual("load", response.Headers.GetValues("X-Cache-Result").Single());
        }

        Assert.Equal(1, await cluster.BackendCallsAsync(key, Token));
    }

    // Every node reads the key until the non-owners hold hot copies: the state a change must undo.
    private async Task WarmEverywhereAsync(string key)
    {
        foreach (HttpClient node in cluster.Nodes.Values)
        {
            for (int i = 0; i < 3; i++)
            {
                using HttpResponseMessage response = await node.GetAsync(CachePath(key), Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
    }

    private async Task<string[]> ReadEverywhereAsync(string key)
    {
        var values = new List<string>();
        foreach (string node in ClusterFixture.NodeNames)
        {
            using HttpResponseMessage response = await cluster.Nodes[node].GetAsync(CachePath(key), Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            values.Add(await response.Content.ReadAsStringAsync(Token));
        }

        return [.. values];
    }

    private Task SetAtSourceAsync(string key, string value) => cluster.SetAtSourceAsync(key, value, Token);

    private static ByteArrayContent Text(string value) => new(Encoding.UTF8.GetBytes(value));
}
