using System.Net;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

namespace AspireCache.Client;

/// <summary>
/// Each member's base address: the one given in the connection string, or the first endpoint that service
/// discovery resolves for <c>http://{name}</c>, kept until discovery says it changed.
/// </summary>
internal sealed class MemberAddresses(IReadOnlyList<CacheMember> members, ServiceEndpointResolver? resolver)
{
    private readonly Dictionary<string, Entry> _entries = members.ToDictionary(
        m => m.Name,
        m => new Entry(m),
        StringComparer.Ordinal);

    public async ValueTask<Uri> ResolveAsync(string member, CancellationToken cancellationToken)
    {
        Entry entry = _entries[member];
        if (entry.Member.Address is { } address)
        {
            return address;
        }

        if (entry.Resolved is { } resolved && !resolved.Changed.HasChanged)
        {
            return resolved.Address;
        }

        if (resolver is null)
        {
            throw new MemberUnansweredException(member, "unresolved: service discovery is not registered", null);
        }

        ServiceEndpointSource source;
        try
        {
            source = await resolver.GetEndpointsAsync(entry.Member.ServiceName, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new MemberUnansweredException(member, "unresolved", ex);
        }

        if (source.Endpoints.Count == 0)
        {
            throw new MemberUnansweredException(member, "unresolved: service discovery has no endpoint for it", null);
        }

        Uri uri = ToUri(source.Endpoints[0].EndPoint);
        entry.Resolved = new Resolution(uri, source.ChangeToken);
        return uri;
    }

    private static Uri ToUri(EndPoint endPoint) => endPoint switch
    {
        UriEndPoint uri => uri.Uri,
        DnsEndPoint dns => new UriBuilder(Uri.UriSchemeHttp, dns.Host, dns.Port).Uri,
        IPEndPoint ip => new UriBuilder(Uri.UriSchemeHttp, ip.Address.ToString(), ip.Port).Uri,
        _ => new Uri($"http://{endPoint}"),
    };

    private sealed class Entry(CacheMember member)
    {
        public CacheMember Member { get; } = member;

        // Replaced whole, so a reader sees an address with its own change token.
        public volatile Resolution? Resolved;
    }

    private sealed record Resolution(Uri Address, IChangeToken Changed);
}
