using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>This process's node: its name, its ring of peers and the groups it serves.</summary>
internal sealed class LocalNode : IDisposable
{
    private readonly Func<ClusterMember, HttpCachePeer> _newPeer;
    private readonly Membership _membership;
    private readonly TimeSpan _handOffWindow;
    private readonly MissedChanges _missed;
    private readonly Lock _changeLock = new();
    private volatile IReadOnlyList<HttpCachePeer> _peers;

    public LocalNode(
        IOptions<CacheNodeOptions> options,
        Membership membership,
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
        _membership = membership;
        _handOffWindow = settings.HandOffWindow;
        _missed = missed;

        // A member may serve unseen for up to a refresh (and its query) before this node lists it, plus the DNS records' own delay.
        missed.JoinLookback = (2 * settings.MembersRefreshInterval) + TimeSpan.FromSeconds(10);
        missed.Lease = MemoryLease.LeaseOf(settings);

        // The members known at start: the fixed list, or this node alone until DNS answers.
        string[] peers = [.. membership.Members.Where(member => !string.Equals(member, Name, StringComparison.Ordinal))];
        Health = new PeerHealth(Picker, peers, settings, meters, time, loggers.CreateLogger<PeerHealth>());
        ILogger peerLogger = loggers.CreateLogger<HttpCachePeer>();
        TimeSpan lease = MemoryLease.LeaseOf(settings);
        _newPeer = member => new HttpCachePeer(member.Name, member.Address, clients, Health, settings.PeerTimeout, settings.Groups, time, peerLogger, missed, lease);
        _peers = [.. peers.Select(peer => _newPeer(StaticMembershipSource.Of(peer)))];
        Picker.SetPeers(_peers);

        Dictionary<string, CacheGroupSource> sources = codeGroups.ToDictionary(g => g.Name, g => g.Source, StringComparer.Ordinal);
        Groups = settings.Groups.ToFrozenDictionary(
            pair => pair.Key,
            pair => new CacheGroup(
                pair.Key,
                LoaderOf(pair.Key, pair.Value, sources.GetValueOrDefault(pair.Key), clients, services),
                pair.Value.ToGroupOptions(Name, time, meters, settings.KeyHashSecret, loggers),
                Picker),
            StringComparer.Ordinal);
        Lease = new MemoryLease(Health, () => Groups.Values, settings, time, loggers.CreateLogger<MemoryLease>());
    }

    public string Name { get; }

    /// <summary>This node's address as its membership source last gave it (DNS); null while it gave none (a fixed list).</summary>
    public Uri? SelfAddress { get; private set; }

    /// <summary>The other members now, in the ring or not.</summary>
    public IReadOnlyList<HttpCachePeer> Peers => _peers;

    /// <summary>Whether this node may serve from memory: see <see cref="MemoryLease"/>.</summary>
    public MemoryLease Lease { get; }

    public RingPeerPicker Picker { get; }

    public PeerHealth Health { get; }

    public FrozenDictionary<string, CacheGroup> Groups { get; }

    /// <summary>
    /// Takes a membership source's answer: a member that appeared joins the ring, one that is gone leaves it,
    /// and one whose address changed (a pod that came back elsewhere) is asked at the new one. For
    /// <c>HandOffWindow</c> after a change, owners ask a moved key's previous owner before loading it.
    /// </summary>
    /// <returns>False when the answer is the members this node has.</returns>
    public bool ChangeMembership(IReadOnlyList<ClusterMember> members)
    {
        lock (_changeLock)
        {
            Dictionary<string, HttpCachePeer> before = _peers.ToDictionary(p => p.Name, StringComparer.Ordinal);
            var after = new List<HttpCachePeer>(members.Count);
            bool moved = false;
            foreach (ClusterMember member in members.DistinctBy(m => m.Name, StringComparer.Ordinal))
            {
                if (string.Equals(member.Name, Name, StringComparison.Ordinal))
                {
                    SelfAddress = member.Address;
                    continue;
                }

                if (before.TryGetValue(member.Name, out HttpCachePeer? known) && known.Address == member.Address)
                {
                    after.Add(known);
                }
                else
                {
                    moved |= known is not null;
                    after.Add(_newPeer(member));
                }
            }

            bool changed = _membership.TryChange(members.Select(m => m.Name));
            if (!changed && !moved)
            {
                return false;
            }

            foreach (HttpCachePeer joined in after.Where(p => !before.ContainsKey(p.Name)))
            {
                _missed.Joined(joined.Name);
            }

            foreach (string left in before.Keys.Except(after.Select(p => p.Name), StringComparer.Ordinal))
            {
                _missed.Left(left);
            }

            _peers = after;
            Health.ChangeMembership(after, changed ? _handOffWindow : TimeSpan.Zero);
            return true;
        }
    }

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
