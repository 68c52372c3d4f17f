// A small web API that reads the cache cluster through the owner-routing client. Its traces in the
// Aspire dashboard show each read going from this API straight to the key's owner: one hop.
using AspireCache;
using AspireCache.Client;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(meters: [CacheClientDiagnostics.MeterName], activitySources: [CacheClientDiagnostics.ActivitySourceName]);
builder.AddCacheClient("cache");

WebApplication app = builder.Build();
app.MapDefaultEndpoints();

// GET /items/{key}: the demo group's value of the key, with who served it and how.
app.MapGet("/items/{key}", async (string key, ICacheClient cache, HttpResponse response, CancellationToken cancellationToken) =>
{
    try
    {
        CacheGetResult item = await cache.GetAsync("demo", key, cancellationToken);
        response.Headers[CacheHttpProtocol.ResultHeader] = CacheSourceNames.NameOf(item.Source);
        response.Headers["X-Served-By"] = item.Member; // the member that answered
        return Results.Bytes(item.Value, "application/octet-stream");
    }
    catch (InvalidCacheKeyException ex)
    {
        return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
    }
    catch (CacheKeyNotFoundException ex)
    {
        return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound);
    }
    catch (CacheSourceException ex)
    {
        return Results.Problem(ex.Message, statusCode: ex.IsTimeout ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway);
    }
});

app.Run();
