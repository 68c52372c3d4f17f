using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>This process's node: its name, its ring of peers and the groups it serves.</summary>
internal sealed class LocalNode : IDisposable
{
    public LocalNode(
        IOptions<CacheNodeOptions> options,
        IEnumerable<CacheGroupRegistration> codeGroups,
        IHttpClientFactory clients,
        ILoggerFactory loggers,
        IMeterFactory meters,
        TimeProvider time,
        MissedChanges missed,
        IServiceProvider services)
    {
        CacheNodeOptions settings = options.Value;
        Name = settings.NodeName;
        Picker = new RingPeerPicker(Name);
        string[] peers = [.. settings.Members.Distinct(StringComparer.Ordinal).Where(member => !string.Equals(member, Name, StringComparison.Ordinal))];
        Health = new PeerHealth(Picker, peers, settings, meters, time, loggers.CreateLogger<PeerHealth>());
        ILogger peerLogger = loggers.CreateLogger<HttpCachePeer>();
        TimeSpan lease = MemoryLease.LeaseOf(settings);
        Picker.SetPeers(peers.Select(peer => new HttpCachePeer(peer, clients, Health, settings.PeerTimeout, settings.Groups, time, peerLogger, missed, lease)));

        Dictionary<string, CacheGroupSource> sources = codeGroups.ToDictionary(g => g.Name, g => g.Source, StringComparer.Ordinal);
        Groups = settings.Groups.ToFrozenDictionary(
            pair => pair.Key,
            pair => new CacheGroup(
                pair.Key,
                LoaderOf(pair.Key, pair.Value, sources.GetValueOrDefault(pair.Key), clients, services),
                pair.Value.ToGroupOptions(Name, time, meters),
                Picker),
            StringComparer.Ordinal);
        Lease = new MemoryLease(Health, () => Groups.Values, settings, time, loggers.CreateLogger<MemoryLease>());
    }

    public string Name { get; }

    /// <summary>Whether this node may serve from memory: see <see cref="MemoryLease"/>.</summary>
    public MemoryLease Lease { get; }

    public RingPeerPicker Picker { get; }

    public PeerHealth Health { get; }

    public FrozenDictionary<string, CacheGroup> Groups { get; }

    // A source given in code comes first; the validator has made sure that configuration names none then.
    private static CacheLoader LoaderOf(string group, CacheGroupSettings settings, CacheGroupSource? code, IHttpClientFactory clients, IServiceProvider services) =>
        code is not null ? code.LoaderFor(services) ?? new NoSourceLoader(group).LoadAsync
        : settings.NoSource ? new NoSourceLoader(group).LoadAsync
        : new HttpSourceLoader(group, settings, clients).LoadAsync;

    public void Dispose()
    {
        foreach (CacheGroup group in Groups.Values)
        {
            group.Dispose();
        }
    }
}
