using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace AspireCache.Tests;

/// <summary>
/// Nodes in one process whose membership a test changes, with peers that call each other directly and a
/// fake clock: for the warm hand-off, which needs a ring before and after a change.
/// </summary>
internal sealed class HandOffCluster : IDisposable
{
    public const string Group = "g";

    private readonly Dictionary<string, CacheGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RingPeerPicker> _pickers = new(StringComparer.Ordinal);

    public HandOffCluster(string[] nodes, TimeSpan timeToLive = default)
    {
        TimeToLive = timeToLive;
        foreach (string node in nodes)
        {
            Add(node);
        }
    }

    public FakeTimeProvider Clock { get; } = new();

    /// <summary>The source's answer for each key: its version, which a test bumps to see a stale value come back.</summary>
    public ConcurrentDictionary<string, int> Versions { get; } = new();

    /// <summary>Every loader call: which node loaded which key.</summary>
    public ConcurrentQueue<(string Node, string Key)> Loads { get; } = new();

    /// <summary>Removals that peers passed on, in the order the nodes applied them: the node's name and the key.</summary>
    public ConcurrentQueue<(string Node, string Key)> Removals { get; } = new();

    /// <summary>Hand-off requests each node answered, by its name.</summary>
    public ConcurrentDictionary<string, int> HandOffsServed { get; } = new();

    private (TaskCompletionSource Gate, TaskCompletionSource Asked)? _held;

    /// <summary>
    /// Holds the next hand-off answers after the previous owner read its store, until the returned gate is
    /// opened; <c>Asked</c> completes when one is held.
    /// </summary>
    public (TaskCompletionSource Gate, Task Asked) HoldHandOffs()
    {
        var hold = (Gate: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Asked: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _held = hold;
        return (hold.Gate, hold.Asked.Task);
    }

    /// <summary>Lets hand-offs answer at once again.</summary>
    public void ReleaseHandOffs() => _held = null;

    /// <summary>Nodes whose hand-off requests fail, as a node that has stopped.</summary>
    public ConcurrentDictionary<string, bool> Gone { get; } = new();

    /// <summary>Nodes whose hand-off requests throw what no network or peer causes, as a bug of the asking node would.</summary>
    public ConcurrentDictionary<string, bool> Broken { get; } = new();

    public TimeSpan TimeToLive { get; }

    public CacheGroup this[string node] => _groups[node];

    public RingPeerPicker PickerOf(string node) => _pickers[node];

    public static string ValueOf(CacheResult result) => Encoding.UTF8.GetString(result.Value.Span);

    /// <summary>Adds a node that knows no peers yet, as a node that has just started.</summary>
    public void Add(string node)
    {
        var picker = new RingPeerPicker(node);
        _pickers[node] = picker;
        var options = new CacheGroupOptions { NodeName = node, TimeProvider = Clock, TimeToLive = TimeToLive, TimeToLiveJitter = 0 };
        _groups[node] = new CacheGroup(Group, (key, _) =>
        {
            Loads.Enqueue((node, key));
            return ValueTask.FromResult(new LoadedValue(Encoding.UTF8.GetBytes($"{key} v{Versions.GetValueOrDefault(key)}")));
        }, options, picker);
    }

    /// <summary>Gives <paramref name="node"/> the member set <paramref name="members"/>, as its membership source would.</summary>
    public void ChangeMembership(string node, TimeSpan handOffWindow, params string[] members) =>
        _pickers[node].ChangeMembership(members.Select(m => new DirectPeer(m, this)), members, handOffWindow, Clock);

    public void Dispose()
    {
        foreach (CacheGroup group in _groups.Values)
        {
            group.Dispose();
        }
    }

    private sealed class DirectPeer(string name, HandOffCluster cluster) : ICachePeer
    {
        public string Name { get; } = name;

        public async ValueTask<CacheResult> GetAsync(string group, string key, CancellationToken cancellationToken)
        {
            await Task.Yield(); // A network call never completes inline.
            return await cluster._groups[Name].ServePeerAsync(key, cancellationToken);
        }

        public async ValueTask<CacheResult?> HandOffAsync(string group, string key, CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (cluster.Gone.ContainsKey(Name))
            {
                throw new HttpRequestException($"{Name} is gone.");
            }

            if (cluster.Broken.ContainsKey(Name))
            {
                throw new InvalidOperationException($"a bug in the hand-off to {Name}");
            }

            CacheResult? held = cluster._groups[Name].ServeHandOff(key);
            if (cluster._held is { } hold)
            {
                // Read, then held on its way back: a change at the new owner meanwhile races the answer.
                hold.Asked.TrySetResult();
                await hold.Gate.Task.WaitAsync(cancellationToken);
            }

            cluster.HandOffsServed.AddOrUpdate(Name, 1, static (_, count) => count + 1);
            return held;
        }

        public ValueTask RemoveAsync(string group, string key, CancellationToken cancellationToken)
        {
            cluster.Removals.Enqueue((Name, key));
            cluster._groups[Name].RemoveLocally(key);
            return ValueTask.CompletedTask;
        }

        public ValueTask WriteAsync(string group, string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public ValueTask ClearAsync(string group, bool hotOnly, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
