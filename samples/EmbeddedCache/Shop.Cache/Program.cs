// A service of your own that is also a cache node: it embeds AspireCache and loads the "prices"
// group with its own code. The AppHost runs several of them as one cluster.
using System.Text;
using AspireCache.AspNetCore;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddHealthChecks();
builder.Services.AddAspireCache()
    .AddGroup("prices", async (key, cancellationToken) =>
    {
        // Stands in for a database or a slow service: only the key's owner calls it, once.
        await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        return Encoding.UTF8.GetBytes($"price of {key}: {PriceOf(key)} EUR");
    })
    // No source: it holds what clients write (the API's IDistributedCache), and a miss is "no such key".
    .AddGroup("carts", CacheGroupSource.None);

WebApplication app = builder.Build();
app.MapHealthChecks("/health");
app.MapAspireCache();
app.Run();

// The same price on every node and after every restart, as a database would answer.
static int PriceOf(string key)
{
    int hash = 17;
    foreach (char c in key)
    {
        hash = ((hash * 31) + c) % 100_000;
    }

    return (hash % 100) + 1;
}
