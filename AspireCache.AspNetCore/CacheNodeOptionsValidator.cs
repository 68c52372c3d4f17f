using Microsoft.Extensions.Options;

namespace AspireCache.AspNetCore;

/// <summary>Checks the node's settings at start-up and says what is missing in the configuration's own terms.</summary>
internal sealed class CacheNodeOptionsValidator(IEnumerable<CacheGroupRegistration> codeGroups) : IValidateOptions<CacheNodeOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheNodeOptions options)
    {
        var inCode = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (CacheGroupRegistration group in codeGroups)
        {
            if (!inCode.Add(group.Name))
            {
                failures.Add($"The group '{group.Name}' is added in code (AddGroup) twice: a group has one source.");
            }
        }

        ValidateNode(options, failures);
        ValidateGroups(options, inCode, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateNode(CacheNodeOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.NodeName))
        {
            failures.Add("Cache:NodeName is required: the name this node has among the members (e.g. cache-0).");
        }
        else if (options.MembersDnsName.Length > 0)
        {
            ValidateDnsMembership(options, failures);
        }
        else if (!options.Members.Contains(options.NodeName, StringComparer.Ordinal))
        {
            failures.Add($"Cache:Members must include this node's own name '{options.NodeName}'; it has [{string.Join(", ", options.Members)}].");
        }

        foreach (string member in options.Members)
        {
            if (Uri.CheckHostName(member) != UriHostNameType.Dns)
            {
                failures.Add($"Cache:Members has '{member}', which is not a service name (letters, digits, '-' and '.'): members are resolved as http://<name>.");
            }
        }

        if (options.PeerSecret.Length < 16)
        {
            failures.Add("Cache:PeerSecret must be set to a shared random value of at least 16 characters (e.g. `openssl rand -hex 32`); peers authenticate with it.");
        }

        if (options.AdminSecret.Length > 0 && options.AdminSecret.Length < 16)
        {
            failures.Add("Cache:AdminSecret, when set, must be a random value of at least 16 characters (e.g. `openssl rand -hex 32`).");
        }

        if (options.AdminSecret.Length > 0 && string.Equals(options.AdminSecret, options.PeerSecret, StringComparison.Ordinal))
        {
            failures.Add("Cache:AdminSecret must differ from Cache:PeerSecret: clients that may write must not be able to act as nodes.");
        }

        if (options.KeyHashSecret.Length < TelemetryKeyHash.MinSecretLength)
        {
            failures.Add("Cache:KeyHashSecret must be set to a random value of at least 16 characters (e.g. `openssl rand -hex 32`), the same on every node and kept across restarts: telemetry shows keys as their hash under it.");
        }
        else if (string.Equals(options.KeyHashSecret, options.PeerSecret, StringComparison.Ordinal) || string.Equals(options.KeyHashSecret, options.AdminSecret, StringComparison.Ordinal))
        {
            failures.Add("Cache:KeyHashSecret must differ from Cache:PeerSecret and Cache:AdminSecret: clients get it to hash keys in their spans, and must not be able to act as nodes or write.");
        }

        foreach ((string setting, TimeSpan value) in new[] { ("PeerTimeout", options.PeerTimeout), ("ProbeInterval", options.ProbeInterval), ("ProbeTimeout", options.ProbeTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Cache:{setting} must be positive.");
            }
        }

        if (options.FailuresToEject < 1 || options.SuccessesToRejoin < 1)
        {
            failures.Add("Cache:FailuresToEject and Cache:SuccessesToRejoin must be at least 1.");
        }

        if (options.HandOffWindow < TimeSpan.Zero)
        {
            failures.Add("Cache:HandOffWindow must be zero (no hand-off) or positive.");
        }
    }

    private static void ValidateDnsMembership(CacheNodeOptions options, List<string> failures)
    {
        if (options.Members.Count > 0)
        {
            failures.Add($"Cache:Members and Cache:MembersDnsName are both set: the members come from one of them (the DNS name's SRV records, or the fixed list), not both.");
        }

        if (Uri.CheckHostName(options.MembersDnsName) != UriHostNameType.Dns && !options.MembersDnsName.StartsWith('_'))
        {
            failures.Add($"Cache:MembersDnsName is '{options.MembersDnsName}', which is not a DNS name (e.g. _http._tcp.cache.default.svc.cluster.local).");
        }

        if (Uri.CheckHostName(options.NodeName) != UriHostNameType.Dns)
        {
            failures.Add($"Cache:NodeName is '{options.NodeName}'; with Cache:MembersDnsName it must be this node's own SRV target host (e.g. cache-0.cache.default.svc.cluster.local).");
        }

        if (options.MembersDnsServer.Length > 0 && !DnsMembershipSource.TryParseServer(options.MembersDnsServer, out _))
        {
            failures.Add($"Cache:MembersDnsServer is '{options.MembersDnsServer}'; it must be an IP address, optionally with a port (e.g. 10.96.0.10 or 127.0.0.1:5353), or empty for the system's resolvers.");
        }

        if (options.MembersRefreshInterval < TimeSpan.FromMilliseconds(100) || options.MembersRefreshInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"Cache:MembersRefreshInterval is {options.MembersRefreshInterval}; it must be between 100 ms and 1 hour.");
        }
    }

    private static void ValidateGroups(CacheNodeOptions options, HashSet<string> inCode, List<string> failures)
    {
        if (options.Groups.Count == 0)
        {
            failures.Add("Cache:Groups must define at least one group (e.g. Cache:Groups:demo:SourceService=demobackend), or add one in code (AddAspireCache().AddGroup(name, loader)).");
        }

        foreach ((string group, CacheGroupSettings settings) in options.Groups)
        {
            string at = $"Cache:Groups:{group}";
            bool hasService = !string.IsNullOrWhiteSpace(settings.SourceService);
            if (inCode.Contains(group))
            {
                if (hasService || settings.NoSource)
                {
                    failures.Add($"{at} names a source ({(hasService ? "SourceService" : "NoSource")}), but the group's source is added in code (AddGroup): a group has one source.");
                }
            }
            else if (hasService && settings.NoSource)
            {
                failures.Add($"{at} has both SourceService and NoSource=true: a group has one source.");
            }
            else if (!hasService && !settings.NoSource)
            {
                failures.Add($"{at} has no source: set {at}:SourceService to the service-discovery name of the data source, add the group's loader in code (AddAspireCache().AddGroup(\"{group}\", loader)), or set {at}:NoSource=true for a group that holds only written values.");
            }

            if (hasService && (!settings.SourcePath.StartsWith('/') || !settings.SourcePath.Contains("{key}", StringComparison.Ordinal)))
            {
                failures.Add($"{at}:SourcePath must start with '/' and contain '{{key}}'; it is '{settings.SourcePath}'.");
            }

            try
            {
                settings.ToGroupOptions().Validate();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                failures.Add($"{at}:{ex.ParamName} is out of range: {ex.Message}");
            }
        }
    }
}
