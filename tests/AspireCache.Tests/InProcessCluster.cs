using System.Collections.Concurrent;
using System.Text;

namespace AspireCache.Tests;

/// <summary>A cluster of groups in one process whose peers call each other directly.</summary>
internal sealed class InProcessCluster : IDisposable
{
    private readonly Dictionary<string, CacheGroup> _groups = [];

    public InProcessCluster(int nodes, string groupName, Func<string, string, ValueTask<ReadOnlyMemory<byte>>>? loader = null, CacheGroupOptions? options = null, Action<CacheGroupOptions>? configure = null)
    {
        loader ??= (node, key) => ValueTask.FromResult<ReadOnlyMemory<byte>>(ValueOf(key));
        string[] names = Enumerable.Range(0, nodes).Select(i => $"cache-{i}").ToArray();
        foreach (string name in names)
        {
            var picker = new RingPeerPicker(name);
            Pickers[name] = picker;
            CacheGroupOptions nodeOptions = options ?? new CacheGroupOptions { NodeName = name };
            configure?.Invoke(nodeOptions);
            _groups[name] = new CacheGroup(groupName, async (key, _) =>
            {
                Loads.Enqueue((name, key));
                return await loader(name, key);
            }, nodeOptions, picker);
        }

        foreach (string name in names)
        {
            Pickers[name].SetPeers(names.Select(n => new InProcessPeer(n, this)));
        }
    }

    public Dictionary<string, RingPeerPicker> Pickers { get; } = [];

    /// <summary>Every loader call: which node loaded which key.</summary>
    public ConcurrentQueue<(string Node, string Key)> Loads { get; } = new();

    /// <summary>
    /// Peers that serve gets but refuse removals, writes and clears: each refusal waits for the gate
    /// before it fails, as a real peer's client waits out the refusing member's lease.
    /// </summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Refusing { get; } = new();

    /// <summary>Peers whose fetches, removals, writes and clears fail, as if the node were down.</summary>
    public ConcurrentDictionary<string, bool> Down { get; } = new();

    /// <summary>Peers whose calls throw what no network or peer causes, as a bug of the asking node's transport would.</summary>
    public ConcurrentDictionary<string, bool> Broken { get; } = new();

    public IEnumerable<string> Nodes => _groups.Keys;

    /// <summary>Fetches each peer served, by the peer's name.</summary>
    public ConcurrentDictionary<string, int> Fetches { get; } = new();

    /// <summary>A node that does not own <paramref name="key"/>.</summary>
    public string NonOwnerOf(string key) => Nodes.First(node => node != OwnerOf(key));

    public CacheGroup this[string node] => _groups[node];

    public static byte[] ValueOf(string key) => Encoding.UTF8.GetBytes("value of " + key);

    public string OwnerOf(string key) => Pickers["cache-0"].OwnerOf(key);

    public void Dispose()
    {
        foreach (CacheGroup group in _groups.Values)
        {
            group.Dispose();
        }
    }

    private sealed class InProcessPeer(string name, InProcessCluster cluster) : ICachePeer
    {
        public string Name { get; } = name;

        public async ValueTask<CacheResult> GetAsync(string group, string key, CancellationToken cancellationToken)
        {
            await Task.Yield(); // A network call never completes inline.
            cluster.Fetches.AddOrUpdate(Name, 1, static (_, count) => count + 1);
            ThrowIfDown();
            return await cluster._groups[Name].ServePeerAsync(key, cancellationToken);
        }

        public async ValueTask RemoveAsync(string group, string key, CancellationToken cancellationToken)
        {
            await RefuseIfAskedAsync();
            cluster._groups[Name].RemoveLocally(key);
        }

        public async ValueTask WriteAsync(string group, string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive, CancellationToken cancellationToken)
        {
            await RefuseIfAskedAsync();
            cluster._groups[Name].WriteLocally(key, value, timeToLive);
        }

        public async ValueTask ClearAsync(string group, bool hotOnly, CancellationToken cancellationToken)
        {
            await RefuseIfAskedAsync();
            cluster._groups[Name].ClearLocally(hotOnly);
        }

        private async Task RefuseIfAskedAsync()
        {
            await Task.Yield();
            ThrowIfDown();
            if (cluster.Refusing.TryGetValue(Name, out TaskCompletionSource? gate))
            {
                await gate.Task;
                throw new HttpRequestException($"{Name} refused the change");
            }
        }

        private void ThrowIfDown()
        {
            if (cluster.Down.ContainsKey(Name))
            {
                throw new HttpRequestException($"{Name} is down");
            }

            if (cluster.Broken.ContainsKey(Name))
            {
                throw new InvalidOperationException($"a bug in the transport to {Name}");
            }
        }
    }
}
