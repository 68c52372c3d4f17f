using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;

namespace AspireCache.Client.Tests;

/// <summary>
/// The client reads no answer past the group's MaxValueBytes, whatever a node or a proxy declares or sends:
/// over a real socket, so that what is allocated and whether the connection is used again are what a
/// deployed client would see. Not run beside other tests, whose allocations would count in the process's.
/// </summary>
[Collection(nameof(AnswerBoundsTests))]
[CollectionDefinition(nameof(AnswerBoundsTests), DisableParallelization = true)]
public sealed class AnswerBoundsTests : IAsyncDisposable
{
    private const int Limit = 4096;

    private readonly RawNode _node = new();
    private readonly IHost _host;

    public AnswerBoundsTests()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = $"cache-0=http://127.0.0.1:{_node.Port}",
            ["AspireCache:Client:cache:MaxValueBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AspireCache:Client:cache:Groups:big:MaxValueBytes"] = (4 * Limit).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.AddCacheClient("cache");
        _host = builder.Build();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private ICacheClient Client => _host.Services.GetRequiredService<ICacheClient>();

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task AnAnswerDeclaringAGibibyte_FailsBeforeAnythingIsAllocatedForIt_AndItsConnectionIsNotUsedAgain()
    {
        using var requests = new MetricCollector<long>(_host.Services.GetRequiredService<IMeterFactory>(), CacheClientDiagnostics.MeterName, "aspirecache.client.requests");

        // The counter moves with every new connection, and stays put while one is reused.
        await Client.GetAsync("demo", "small", Token);
        await Client.GetAsync("demo", "small", Token);
        Assert.Equal(1, _node.Connections);

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        CacheAnswerTooLargeException error = await Assert.ThrowsAsync<CacheAnswerTooLargeException>(() => Client.GetAsync("demo", "declares-a-gibibyte", Token));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal(1L << 30, error.Length);
        Assert.Equal(Limit, error.Limit);
        Assert.Equal("cache-0", error.Member);
        Assert.InRange(allocated, 0, 16L << 20);
        await _node.ClosedByClient.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.Equal("small", Encoding.UTF8.GetString((await Client.GetAsync("demo", "small", Token)).Value));
        Assert.Equal(2, _node.Connections);
        Assert.Contains(requests.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>("aspirecache.outcome", "answer_too_large")));
    }

    [Fact]
    public async Task AnAnswerJustOverTheLimit_ClosesItsConnection_InsteadOfBeingDrainedForTheNextRequest()
    {
        await Client.GetAsync("demo", "small", Token);

        CacheAnswerTooLargeException error = await Assert.ThrowsAsync<CacheAnswerTooLargeException>(() => Client.GetAsync("demo", "one-byte-over", Token));

        Assert.Equal(Limit + 1, error.Length);
        await _node.ClosedByClient.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal("small", Encoding.UTF8.GetString((await Client.GetAsync("demo", "small", Token)).Value));
        Assert.Equal(2, _node.Connections);
    }

    [Fact]
    public async Task AnAnswerWithoutALength_IsReadToOneBytePastTheLimit_AndNoFurther()
    {
        await Client.GetAsync("demo", "small", Token);

        // The node would send 100 MB; the client stops one byte past 4 KiB.
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        CacheAnswerTooLargeException error = await Assert.ThrowsAsync<CacheAnswerTooLargeException>(() => Client.GetAsync("demo", "chunked-forever", Token));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Null(error.Length);
        Assert.InRange(allocated, 0, 16L << 20);
        await _node.ClosedByClient.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal("small", Encoding.UTF8.GetString((await Client.GetAsync("demo", "small", Token)).Value));
        Assert.Equal(2, _node.Connections);
    }

    [Fact]
    public async Task AGroupsOwnLimit_LetsItsLargerValuesThrough_AndOnlyItsOwn()
    {
        Assert.Equal(3 * Limit, (await Client.GetAsync("big", "three-limits", Token)).Value.Length);
        Assert.Equal(3 * Limit, (await Client.GetAsync("big", "three-limits-chunked", Token)).Value.Length);

        await Assert.ThrowsAsync<CacheAnswerTooLargeException>(() => Client.GetAsync("demo", "three-limits", Token));
    }

    /// <summary>A node on a raw socket, answering each path as the tests need; it counts connections.</summary>
    private sealed class RawNode : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private int _connections;

        public RawNode()
        {
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        /// <summary>Completes when the client closes a connection it was sent an oversized answer on.</summary>
        public TaskCompletionSource ClosedByClient { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    Socket socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    connections.Add(ServeAsync(socket));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                await Task.WhenAll(connections).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using (socket)
            await using (var stream = new NetworkStream(socket))
            {
                while (await ReadRequestPathAsync(stream) is { } path)
                {
                    string key = path[(path.LastIndexOf('/') + 1)..];
                    switch (key)
                    {
                        case "declares-a-gibibyte":
                            await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {1L << 30}\r\nX-Cache-Result: hit\r\n\r\n");
                            await stream.WriteAsync(new byte[1024], _stop.Token);
                            await WaitForCloseAsync(stream);
                            return;
                        case "one-byte-over":
                            await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {Limit + 1}\r\nX-Cache-Result: hit\r\n\r\n");
                            await stream.WriteAsync(new byte[Limit + 1], _stop.Token);
                            await WaitForCloseAsync(stream);
                            return;
                        case "chunked-forever":
                            await WriteAsync(stream, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Cache-Result: hit\r\n\r\n");
                            await SendChunksUntilClosedAsync(stream);
                            return;
                        case "three-limits":
                            await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {3 * Limit}\r\nX-Cache-Result: hit\r\n\r\n");
                            await stream.WriteAsync(new byte[3 * Limit], _stop.Token);
                            break;
                        case "three-limits-chunked":
                            await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Cache-Result: hit\r\n\r\n{3 * Limit:x}\r\n");
                            await stream.WriteAsync(new byte[3 * Limit], _stop.Token);
                            await WriteAsync(stream, "\r\n0\r\n\r\n");
                            break;
                        default:
                            await WriteAsync(stream, $"HTTP/1.1 200 OK\r\nContent-Length: {key.Length}\r\nX-Cache-Result: hit\r\n\r\n{key}");
                            break;
                    }
                }
            }
        }

        private async Task SendChunksUntilClosedAsync(NetworkStream stream)
        {
            byte[] chunk = Encoding.ASCII.GetBytes($"400\r\n{new string('x', 1024)}\r\n");
            try
            {
                // Bounded, so that a client that read on forever fails the test instead of hanging it.
                for (int i = 0; i < 100_000; i++)
                {
                    await stream.WriteAsync(chunk, _stop.Token);
                }
            }
            catch (IOException)
            {
                ClosedByClient.TrySetResult();
            }
        }

        private async Task WaitForCloseAsync(NetworkStream stream)
        {
            byte[] buffer = new byte[1024];
            try
            {
                while (await stream.ReadAsync(buffer, _stop.Token) > 0)
                {
                }

                ClosedByClient.TrySetResult();
            }
            catch (IOException)
            {
                ClosedByClient.TrySetResult();
            }
        }

        private async Task<string?> ReadRequestPathAsync(NetworkStream stream)
        {
            var head = new StringBuilder();
            byte[] one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one, _stop.Token) == 0)
                {
                    return null;
                }

                head.Append((char)one[0]);
            }

            return head.ToString().Split(' ')[1];
        }

        private Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), _stop.Token).AsTask();
    }
}
