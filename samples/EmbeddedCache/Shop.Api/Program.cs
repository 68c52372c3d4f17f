// An ordinary web API that reads through the cache cluster with the owner-routing client, and keeps
// carts in it through IDistributedCache.
using System.Text;
using AspireCache.Client;
using Microsoft.Extensions.Caching.Distributed;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddHealthChecks();
builder.AddCacheClient("cache").AddDistributedCache("carts");

WebApplication app = builder.Build();
app.MapHealthChecks("/health");

app.MapGet("/prices/{id}", async (string id, ICacheClient cache, HttpResponse response, CancellationToken cancellationToken) =>
{
    CacheGetResult price = await cache.GetAsync("prices", id, cancellationToken);

    // How the owner served it (hit or load), to show that the client went straight to the owner.
    response.Headers["X-Cache-Result"] = price.Source.ToString().ToLowerInvariant();
    return Encoding.UTF8.GetString(price.Value);
});

app.MapPut("/carts/{id}", async (string id, HttpRequest request, IDistributedCache carts, CancellationToken cancellationToken) =>
{
    using var body = new MemoryStream();
    await request.Body.CopyToAsync(body, cancellationToken);
    await carts.SetAsync(id, body.ToArray(), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(30) }, cancellationToken);
    return Results.NoContent();
});

app.MapGet("/carts/{id}", async (string id, IDistributedCache carts, CancellationToken cancellationToken) =>
    await carts.GetAsync(id, cancellationToken) is byte[] cart ? Results.Bytes(cart, "text/plain") : Results.NotFound());

app.Run();
