using AspireCache.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The owner-routing client against a real cluster, built from the nodes' addresses as an application
/// outside Aspire would be: requests land on each key's owner, and a stopped owner costs no failed get.
/// </summary>
/// <remarks>The cluster is this class's own (a class fixture), so stopping a node here disturbs no other class; it is restarted before the test ends.</remarks>
public sealed class CacheClientTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan WholeRingsBound = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Gets_GoStraightToEachKeysOwner_AndTheirRepeatsAreHitsThere_NeverPeerFetches()
    {
        await cluster.WaitForWholeRingsAsync(WholeRingsBound, Token);
        using IHost host = ClientHost();
        ICacheClient client = host.Services.GetRequiredService<ICacheClient>();
        var ring = new ConsistentHashRing();
        ring.Add(ClusterFixture.NodeNames);

        for (int i = 0; i < 30; i++)
        {
            string key = $"client-{Guid.NewGuid():N}-{i}";
            CacheGetResult first = await client.GetAsync("demo", key, Token);
            CacheGetResult repeat = await client.GetAsync("demo", key, Token);

            Assert.Equal(ring.GetOwner(key), first.Member);
            Assert.Equal(first.Member, first.Owner);
            Assert.Equal(CacheSource.Load, first.Source);
            Assert.Equal(first.Member, repeat.Member);
            Assert.Equal(CacheSource.Hit, repeat.Source);
            Assert.Equal(first.Value, repeat.Value);
            Assert.False(first.Retried || repeat.Retried);
        }
    }

    [Fact]
    public async Task WithTheOwnerStopped_EveryGetStillSucceeds_OnAnotherMember()
    {
        await cluster.WaitForWholeRingsAsync(WholeRingsBound, Token);
        using IHost host = ClientHost();
        ICacheClient client = host.Services.GetRequiredService<ICacheClient>();
        string[] keys =
        [
            .. Enumerable.Range(0, 6).Select(i => ClusterFixture.KeyOwnedBy("cache-2", $"stopped-{i}")),
            .. Enumerable.Range(0, 6).Select(i => ClusterFixture.KeyOwnedBy(ClusterFixture.NodeNames[i % 2], $"running-{i}")),
        ];

        // Stopped as a hung or partitioned owner looks behind Aspire's proxy: connections are accepted
        // and nothing answers (SIGSTOP). The stop command is not used: in this fixture it reported
        // "Failed to stop resource" and left the node running (see the issue 10 note).
        NodeProcess owner = NodeProcess.Of(cluster.App, "cache-2");
        owner.Pause();
        try
        {
            var results = new List<CacheGetResult>();
            foreach (string key in keys)
            {
                results.Add(await client.GetAsync("demo", key, Token));
            }

            Assert.All(results, r => Assert.NotEqual("cache-2", r.Member));
            Assert.All(results, r => Assert.NotEmpty(r.Value));

            // The client knew nothing of the stop: the first key of cache-2 found out, and retried;
            // the other keys of cache-2 went straight to another member, which the client now prefers.
            Assert.True(results[0].Retried);
            Assert.All(results.Skip(1), r => Assert.False(r.Retried));
        }
        finally
        {
            owner.Resume();
            await cluster.WaitForWholeRingsAsync(WholeRingsBound, Token);
        }
    }

    /// <summary>An application with <c>AddCacheClient("cache")</c>, its members given with the nodes' addresses.</summary>
    private IHost ClientHost()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = string.Join(",", ClusterFixture.NodeNames.Select(n => $"{n}={cluster.Nodes[n].BaseAddress!.GetLeftPart(UriPartial.Authority)}")),
            ["AspireCache:Client:cache:AdminSecret"] = ClusterFixture.AdminSecret,
        });
        builder.AddCacheClient("cache");
        return builder.Build();
    }
}
