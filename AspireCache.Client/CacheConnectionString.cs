namespace AspireCache.Client;

/// <summary>Reads the members out of a cache connection string: <c>cache-0,cache-1</c> or <c>cache-0=http://host:port,…</c>.</summary>
internal static class CacheConnectionString
{
    /// <summary>The members, and one error for each entry that is wrong (none when all are right).</summary>
    public static (List<CacheMember> Members, List<string> Errors) Parse(string? connectionString)
    {
        var members = new List<CacheMember>();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return (members, errors);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string raw in connectionString.Split(','))
        {
            string entry = raw.Trim();
            if (entry.Length == 0)
            {
                errors.Add($"'{connectionString}' has an empty entry; separate members with single commas.");
                continue;
            }

            CacheMember? member = ParseEntry(entry, errors);
            if (member is null)
            {
                continue;
            }

            if (!seen.Add(member.Name))
            {
                errors.Add($"Member '{member.Name}' is listed twice; each member may appear once.");
                continue;
            }

            members.Add(member);
        }

        return (members, errors);
    }

    private static CacheMember? ParseEntry(string entry, List<string> errors)
    {
        int equals = entry.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            // A bare name becomes the host of http://{name}, so it must be one.
            if (Uri.CheckHostName(entry) != UriHostNameType.Dns)
            {
                errors.Add($"'{entry}' is not a member name that service discovery can resolve (letters, digits, '-' and '.'); give an address with '{entry}=http://host:port'.");
                return null;
            }

            return new CacheMember(entry, null);
        }

        string name = entry[..equals].Trim();
        string address = entry[(equals + 1)..].Trim();
        if (name.Length == 0 || name.Any(char.IsWhiteSpace))
        {
            errors.Add($"'{entry}' has no member name before '=' or one with spaces; write 'name=http://host:port'.");
            return null;
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out Uri? uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0)
        {
            errors.Add($"Member '{name}' has the address '{address}', which is not an absolute http or https address without a path (e.g. http://localhost:5000).");
            return null;
        }

        return new CacheMember(name, uri);
    }
}
