using System.Text.Json;

namespace AspireCache.AspNetCore.Tests;

/// <summary><c>GET /hotkeys</c> and <c>/cluster</c> list the node's most requested keys by their keyed hash, with owners and rates.</summary>
public sealed class HotKeysHttpTests(LifetimeNodeFactory node) : IClassFixture<LifetimeNodeFactory>
{
    [Fact]
    public async Task HotKeys_ShowTheMostRequestedKeysByKeyedHash_WithOwnerAndRate_NeverTheKey()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var client = new HttpClient { BaseAddress = node.BaseAddress };
        string hot = "user:42-" + Guid.NewGuid().ToString("N");
        string warm = "user:43-" + Guid.NewGuid().ToString("N");

        // A quiet window counts every get: 640 gets of one key, 32 of another.
        for (int i = 0; i < 640; i++)
        {
            (await client.GetAsync("/cache/demo/" + hot, cancellationToken)).Dispose();
            if (i % 20 == 0)
            {
                (await client.GetAsync("/cache/demo/" + warm, cancellationToken)).Dispose();
            }
        }

        node.Clock.Advance(CacheGroupOptions.HotKeyWindow);
        string body = await client.GetStringAsync("/hotkeys", cancellationToken);
        using JsonDocument hotKeys = JsonDocument.Parse(body);

        Assert.Equal("solo", hotKeys.RootElement.GetProperty("name").GetString());
        Assert.Equal(10, hotKeys.RootElement.GetProperty("windowSeconds").GetDouble());
        JsonElement first = hotKeys.RootElement.GetProperty("groups").GetProperty("demo")[0];
        Assert.Equal(new TelemetryKeyHash(CacheNodeFactory.KeyHashSecretValue).Of(hot), first.GetProperty("hash").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("key").ValueKind);
        Assert.Equal("solo", first.GetProperty("owner").GetString());
        Assert.Equal(64, first.GetProperty("getsPerSecond").GetDouble());
        Assert.Equal(3.2, hotKeys.RootElement.GetProperty("groups").GetProperty("demo")[1].GetProperty("getsPerSecond").GetDouble());
        Assert.DoesNotContain("user:4", body, StringComparison.Ordinal);

        // /cluster shows the same list under the group.
        using JsonDocument cluster = JsonDocument.Parse(await client.GetStringAsync("/cluster", cancellationToken));
        JsonElement group = Assert.Single(cluster.RootElement.GetProperty("groups").EnumerateArray());
        Assert.Equal(first.GetProperty("hash").GetString(), group.GetProperty("hotKeys")[0].GetProperty("hash").GetString());
    }
}
