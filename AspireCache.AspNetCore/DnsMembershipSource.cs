using System.Diagnostics.CodeAnalysis;
using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>
/// The members as the SRV records of <c>Cache:MembersDnsName</c> name them: the pattern of a Kubernetes
/// headless Service, whose records list every pod of a StatefulSet. Each record's target host is a member's
/// name and its address is <c>http://&lt;the target's A record&gt;:&lt;the record's port&gt;</c>.
/// </summary>
/// <remarks>
/// Nothing is cached here (the records' TTLs are the DNS server's business): every refresh asks again. An
/// answer without records is treated as a failure, not as "no members": this node at least is running, so
/// an empty answer says that DNS is not ready yet, and acting on it would empty the ring.
/// </remarks>
internal sealed class DnsMembershipSource : IMembershipSource
{
    private static readonly QueryType[] AddressTypes = [QueryType.A, QueryType.AAAA];

    private readonly LookupClient _dns;
    private readonly string _name;

    public DnsMembershipSource(IOptions<CacheNodeOptions> options)
    {
        CacheNodeOptions settings = options.Value;
        _name = settings.MembersDnsName;
        LookupClientOptions lookup = TryParseServer(settings.MembersDnsServer, out IPEndPoint? server) ? new LookupClientOptions(server) : new LookupClientOptions();
        lookup.UseCache = false;

        // One refresh must end well within the next: a timeout, one retry, and the node keeps its last answer.
        lookup.Timeout = settings.MembersRefreshInterval / 4 < TimeSpan.FromSeconds(2) ? settings.MembersRefreshInterval / 4 : TimeSpan.FromSeconds(2);
        lookup.Retries = 1;
        lookup.ThrowDnsErrors = false;
        _dns = new LookupClient(lookup);
    }

    /// <summary>Reads <c>ip</c> or <c>ip:port</c> (port 53 when absent); false for anything else, an empty value included.</summary>
    public static bool TryParseServer(string? value, [NotNullWhen(true)] out IPEndPoint? server)
    {
        server = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (IPAddress.TryParse(value, out IPAddress? address))
        {
            server = new IPEndPoint(address, 53);
            return true;
        }

        return IPEndPoint.TryParse(value, out server) && server.Port > 0;
    }

    public async ValueTask<IReadOnlyList<ClusterMember>> GetMembersAsync(CancellationToken cancellationToken)
    {
        IDnsQueryResponse answer = await _dns.QueryAsync(_name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        if (answer.HasError)
        {
            throw new DnsResponseException($"The SRV query for {_name} failed: {answer.ErrorMessage}.");
        }

        SrvRecord[] records = [.. answer.Answers.SrvRecords()];
        if (records.Length == 0)
        {
            throw new DnsResponseException($"The SRV query for {_name} answered no records.");
        }

        var members = new List<ClusterMember>(records.Length);
        foreach (SrvRecord record in records)
        {
            // DNS names are case-insensitive; a member's name on the ring must be one string on every node.
            string target = record.Target.Value.TrimEnd('.').ToLowerInvariant();
            IPAddress address = AddressIn(answer.Additionals, name: record.Target.Value) ?? await LookUpAsync(target, cancellationToken).ConfigureAwait(false);
            string host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            members.Add(new ClusterMember(target, new UriBuilder(Uri.UriSchemeHttp, host, record.Port).Uri));
        }

        return members;
    }

    // Servers usually send the targets' addresses with the SRV answer, which saves a query per member. Of
    // several addresses the lowest is taken, so that a server that rotates them does not move the member.
    private static IPAddress? AddressIn(IEnumerable<DnsResourceRecord> records, string? name)
    {
        IPAddress? lowest = null;
        foreach (DnsResourceRecord record in records)
        {
            IPAddress? address = record is ARecord a ? a.Address : record is AaaaRecord aaaa ? aaaa.Address : null;
            if (address is not null
                && (name is null || string.Equals(record.DomainName.Value, name, StringComparison.OrdinalIgnoreCase))
                && (lowest is null || string.CompareOrdinal(address.ToString(), lowest.ToString()) < 0))
            {
                lowest = address;
            }
        }

        return lowest;
    }

    // IPv4 first, then IPv6 (a single-stack IPv6 cluster has only AAAA records).
    private async Task<IPAddress> LookUpAsync(string target, CancellationToken cancellationToken)
    {
        foreach (QueryType type in AddressTypes)
        {
            // Every address in the answer is the target's, directly or at the end of its CNAME chain.
            IDnsQueryResponse answer = await _dns.QueryAsync(target, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (AddressIn(answer.Answers, name: null) is { } address)
            {
                return address;
            }
        }

        throw new DnsResponseException($"The member {target}, named by {_name}, has no address (A or AAAA record).");
    }
}
