using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireCache.IntegrationTests;

/// <summary>
/// A data source for hand-started nodes, in the test process: answers <c>GET /data/{key}</c> after a short
/// delay and counts every load per key, so that a test can tell which keys the cluster loaded again.
/// </summary>
/// <remarks>
/// In-process rather than the DemoBackend, so that the counts are exact for any number of keys (the
/// DemoBackend tracks only its most recent keys one by one) and need no HTTP round trip to read.
/// </remarks>
internal sealed class CountingSource : IAsyncDisposable
{
    /// <summary>How long every load takes: long enough that concurrent requests for a key overlap, short enough for a load to run through thousands of keys.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(20);

    private readonly ConcurrentDictionary<string, int> _loads = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private CountingSource()
    {
    }

    /// <summary>Where the source listens: <c>http://127.0.0.1:PORT</c>, a port the system chose.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The value the source answers for <paramref name="key"/>.</summary>
    public static string ValueOf(string key) => $"value of {key}";

    /// <summary>Starts the source on 127.0.0.1 and a free port.</summary>
    public static async Task<CountingSource> StartAsync(CancellationToken cancellationToken)
    {
        var source = new CountingSource();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        app.MapGet("/data/{key}", async (string key, CancellationToken requestAborted) =>
        {
            // Counted on arrival: a load the node gave up on still reached the source.
            source._loads.AddOrUpdate(key, 1, (_, loads) => loads + 1);
            await Task.Delay(Delay, requestAborted);
            return Results.Bytes(Encoding.UTF8.GetBytes(ValueOf(key)), "application/octet-stream");
        });

        source._app = app;
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        source.Url = new Uri(address);
        return source;
    }

    /// <summary>How many times each key has been loaded so far (a copy).</summary>
    public Dictionary<string, int> Loads() => new(_loads, StringComparer.Ordinal);

    /// <summary>How many loads of <paramref name="keys"/> there were since <paramref name="before"/> was taken with <see cref="Loads"/>.</summary>
    public int LoadsSince(IReadOnlyDictionary<string, int> before, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Sum(key => _loads.GetValueOrDefault(key) - before.GetValueOrDefault(key));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
