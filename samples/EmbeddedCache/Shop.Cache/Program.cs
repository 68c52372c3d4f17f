// A service of your own that is also a cache node: it embeds AspireCache and loads the "prices"
// group with its own code. The AppHost runs several of them as one cluster.
using System.Text;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddHealthChecks();
builder.Services.AddAspireCache()
    .AddGroup("prices", async (key, cancellationToken) =>
    {
        // Stands in for a database or a slow service: only the key's owner calls it, once.
        await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        return Encoding.UTF8.GetBytes($"price of {key}: {(uint)key.GetHashCode(StringComparison.Ordinal) % 100} EUR");
    });

WebApplication app = builder.Build();
app.MapHealthChecks("/health");
app.MapAspireCache();
app.Run();
