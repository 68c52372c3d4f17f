using System.Net;

namespace AspireCache.AspNetCore.Tests;

/// <summary>Issue 5: memory stays bounded under a flood of distinct keys; the store never holds more than its capacity.</summary>
public sealed class FloodTests(CacheNodeFactory node) : IClassFixture<CacheNodeFactory>
{
    private const int KeyCount = 5_000;
    private const int BatchSize = 250;
    private const int Concurrency = 16;

    [Fact]
    public async Task Get_AFloodOfDistinctKeys_NeverFillsTheStoreBeyondItsCapacity()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var client = new HttpClient { BaseAddress = node.BaseAddress };
        var largest = 0L;

        for (int batch = 0; batch < KeyCount / BatchSize; batch++)
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(batch * BatchSize, BatchSize),
                new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    using HttpResponseMessage response = await client.GetAsync(new Uri($"/cache/demo/flood-{i:D5}", UriKind.Relative), token);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Equal(StubSourceHandler.ValueBytes, (await response.Content.ReadAsByteArrayAsync(token)).Length);
                });

            GroupAnswer group = await ReadGroupAsync(client, cancellationToken);
            // The main store and the hot cache share the group's capacity.
            Assert.Equal(CacheNodeFactory.CapacityBytes, group.CapacityBytes + group.HotCapacityBytes);
            Assert.InRange(group.Bytes + group.HotBytes, 0, CacheNodeFactory.CapacityBytes);
            largest = Math.Max(largest, group.Bytes);
        }

        // The store filled up (so it evicted, rather than refusing everything), and the node still serves.
        Assert.True(largest > CacheNodeFactory.CapacityBytes / 2, $"The store never held more than {largest} bytes.");
        using HttpResponseMessage ok = await client.GetAsync(new Uri("/cache/demo/after-the-flood", UriKind.Relative), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using HttpResponseMessage health = await client.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<GroupAnswer> ReadGroupAsync(HttpClient client, CancellationToken cancellationToken)
    {
        ClusterAnswer cluster = await ClusterAnswer.ReadAsync(client, cancellationToken);
        return Assert.Single(cluster.Groups, g => g.Name == CacheNodeFactory.Group);
    }
}
