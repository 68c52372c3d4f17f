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
            string target = record.Target.Value.TrimEnd('.');
            IPAddress address = AddressIn(answer, record.Target.Value) ?? await LookUpAsync(target, cancellationToken).ConfigureAwait(false);
            members.Add(new ClusterMember(target, new UriBuilder(Uri.UriSchemeHttp, address.ToString(), record.Port).Uri));
        }

        return members;
    }

    // Servers usually send the targets' addresses with the SRV answer, which saves a query per member.
    private static IPAddress? AddressIn(IDnsQueryResponse answer, string target)
    {
        foreach (ARecord record in answer.Additionals.ARecords())
        {
            if (string.Equals(record.DomainName.Value, target, StringComparison.OrdinalIgnoreCase))
            {
                return record.Address;
            }
        }

        return null;
    }

    private async Task<IPAddress> LookUpAsync(string target, CancellationToken cancellationToken)
    {
        IDnsQueryResponse answer = await _dns.QueryAsync(target, QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        return answer.Answers.ARecords().FirstOrDefault()?.Address
            ?? throw new DnsResponseException($"The member {target}, named by {_name}, has no address (A record){(answer.HasError ? $": {answer.ErrorMessage}" : "")}.");
    }
}
