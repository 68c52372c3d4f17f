namespace Shop.Tests;

public class ShopTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Api_ReadsPricesThroughTheEmbeddedCache_AndTheRepeatIsAHitAtTheOwner_AndKeepsCartsInIt()
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        IDistributedApplicationTestingBuilder builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Shop_AppHost>(cancellationToken);
        await using DistributedApplication app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cancellationToken).WaitAsync(StartTimeout, cancellationToken);

        using HttpClient api = app.CreateHttpClient("api");
        for (int id = 1; id <= 5; id++)
        {
            using HttpResponseMessage first = await api.GetAsync($"/prices/{id}", cancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, first.StatusCode);
            Assert.StartsWith($"price of {id}: ", await first.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
            Assert.Equal("load", Assert.Single(first.Headers.GetValues("X-Cache-Result")));

            // The client sends every read of a key to its owner, so the repeat is the owner's hit, never a peer fetch.
            using HttpResponseMessage repeat = await api.GetAsync($"/prices/{id}", cancellationToken);
            Assert.Equal("hit", Assert.Single(repeat.Headers.GetValues("X-Cache-Result")));
        }

        // Carts live only in the cache, written through IDistributedCache into a group without a source.
        using (HttpResponseMessage missing = await api.GetAsync("/carts/ada", cancellationToken))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (HttpResponseMessage put = await api.PutAsync("/carts/ada", new StringContent("2 x tea"), cancellationToken))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, put.StatusCode);
        }

        Assert.Equal("2 x tea", await api.GetStringAsync("/carts/ada", cancellationToken));
    }
}
