using System.Collections.Concurrent;

namespace AspireCache.IntegrationTests;

/// <summary>
/// A steady read load on hand-started nodes while a test changes the cluster: a few loops, each reading
/// random keys of one group from the nodes in turn, that record every answer that is not the key's value
/// (a status other than 2xx, a wrong body, a failed or timed-out request) as a client error.
/// </summary>
internal sealed class ClusterLoad : IAsyncDisposable
{
    // A pause between one loop's requests keeps the load steady rather than saturating two cores, where
    // every node, the source, the DNS server and this test share the machine.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(10);

    private readonly string _group;
    private readonly string[] _keys;
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly long[] _generationSeen;
    private readonly Task[] _loops;
    private volatile HttpClient[] _targets;
    private long _generation;
    private long _requests;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="loops"/> loops reading <paramref name="keys"/> of <paramref name="group"/> from <paramref name="targets"/>.</summary>
    public ClusterLoad(string group, IEnumerable<string> keys, IEnumerable<HttpClient> targets, int loops, CancellationToken cancellationToken)
    {
        _group = group;
        _keys = [.. keys];
        _targets = [.. targets];
        _generationSeen = new long[loops];
        _loops = [.. Enumerable.Range(0, loops).Select(loop => Task.Run(() => RunAsync(loop, cancellationToken), cancellationToken))];
    }

    /// <summary>Requests answered so far, errors included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>The client errors so far, each with the node, the key and what was wrong.</summary>
    public IReadOnlyCollection<string> Errors => _errors.ToArray();

    /// <summary>
    /// Sends the load to <paramref name="targets"/> from now on, and returns once no request to the previous
    /// targets is still in flight (every loop has started a request since), so that a node left out can be
    /// stopped without a request of this load caught in its shutdown, as a Service stops routing to a pod
    /// before the pod stops.
    /// </summary>
    public Task RetargetAsync(IEnumerable<HttpClient> targets, TimeSpan within, CancellationToken cancellationToken)
    {
        // The targets first, then the generation: a loop that reads the new generation reads the new targets.
        _targets = [.. targets];
        long generation = Interlocked.Increment(ref _generation);
        return Waits.UntilAsync(
            "every load loop has finished its requests to the previous nodes",
            () => _loops.Any(loop => loop.IsCompleted) || Enumerable.Range(0, _generationSeen.Length).All(loop => Volatile.Read(ref _generationSeen[loop]) >= generation),
            within,
            cancellationToken);
    }

    /// <summary>Waits until the load has made <paramref name="more"/> requests beyond those made so far.</summary>
    public Task WaitForMoreRequestsAsync(long more, TimeSpan within, CancellationToken cancellationToken)
    {
        long target = Requests + more;
        return Waits.UntilAsync($"the load has made {target} requests", () => Requests >= target || _loops.Any(loop => loop.IsCompleted), within, cancellationToken);
    }

    /// <summary>Lets every loop finish the request it is making, then stops.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
            // The test was cancelled: its own failure says so.
        }
    }

    private async Task RunAsync(int loop, CancellationToken cancellationToken)
    {
        var random = new Random(loop);
        int turn = loop;
        while (!_stopping)
        {
            long generation = Volatile.Read(ref _generation);
            HttpClient[] targets = _targets;
            Volatile.Write(ref _generationSeen[loop], generation);

            HttpClient node = targets[turn++ % targets.Length];
            string key = _keys[random.Next(_keys.Length)];
            string said = $"{node.BaseAddress} {key}";
            try
            {
                using HttpResponseMessage answer = await node.GetAsync(new Uri($"/cache/{_group}/{Uri.EscapeDataString(key)}", UriKind.Relative), cancellationToken);
                string body = await answer.Content.ReadAsStringAsync(cancellationToken);
                if (!answer.IsSuccessStatusCode)
                {
                    _errors.Enqueue($"{said}: {(int)answer.StatusCode} {body}");
                }
                else if (body != CountingSource.ValueOf(key))
                {
                    _errors.Enqueue($"{said}: 200 with '{body}', not the key's value");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                _errors.Enqueue($"{said}: {ex.GetType().Name}: {ex.Message}");
            }

            Interlocked.Increment(ref _requests);
            await Task.Delay(Pace, cancellationToken);
        }
    }
}
