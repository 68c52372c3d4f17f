// An ordinary web API that reads through the cache cluster with the owner-routing client.
using System.Text;
using AspireCache.Client;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddHealthChecks();
builder.AddCacheClient("cache");

WebApplication app = builder.Build();
app.MapHealthChecks("/health");
app.MapGet("/prices/{id}", async (string id, ICacheClient cache, HttpResponse response, CancellationToken cancellationToken) =>
{
    CacheGetResult price = await cache.GetAsync("prices", id, cancellationToken);

    // How the owner served it (hit or load), to show that the client went straight to the owner.
    response.Headers["X-Cache-Result"] = price.Source.ToString().ToLowerInvariant();
    return Encoding.UTF8.GetString(price.Value);
});
app.Run();
