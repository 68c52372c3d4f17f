using Microsoft.Extensions.Options;

namespace AspireCache.Client;

/// <summary>Checks a connection's settings when the application starts, each error saying what to set.</summary>
internal sealed class CacheClientSettingsValidator(string connectionName) : IValidateOptions<CacheClientSettings>
{
    // The nodes' own bound on a group's MaxValueBytes.
    private const int MaxValueBytesLimit = 1024 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, CacheClientSettings options)
    {
        if (!string.Equals(name, connectionName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        (List<CacheMember> members, List<string> entryErrors) = CacheConnectionString.Parse(options.ConnectionString);
        errors.AddRange(entryErrors.Select(e => $"ConnectionStrings:{connectionName}: {e}"));
        if (members.Count == 0 && entryErrors.Count == 0)
        {
            errors.Add($"Cache client '{connectionName}' has no members: set ConnectionStrings:{connectionName} to the nodes' member names ('cache-0,cache-1,cache-2', resolved through service discovery) or to names with addresses ('cache-0=http://localhost:5000,…'). Under Aspire, WithReference(cluster) sets it.");
        }

        string section = $"{CacheSettingNames.Client.Section}:{connectionName}";
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{section}:{nameof(CacheClientSettings.RequestTimeout)} must be positive; it is {options.RequestTimeout}.");
        }

        if (options.ProbeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{section}:{nameof(CacheClientSettings.ProbeTimeout)} must be positive; it is {options.ProbeTimeout}.");
        }

        if (options.LoadTimeout <= options.RequestTimeout)
        {
            errors.Add($"{section}:{nameof(CacheClientSettings.LoadTimeout)} ({options.LoadTimeout}) must be longer than {nameof(CacheClientSettings.RequestTimeout)} ({options.RequestTimeout}), and longer than the groups' LoadTimeout.");
        }

        if (options.KeyHashSecret is { Length: > 0 and < TelemetryKeyHash.MinSecretLength })
        {
            errors.Add($"{section}:{nameof(CacheClientSettings.KeyHashSecret)}, when set, must be the cluster's key hash secret (at least {TelemetryKeyHash.MinSecretLength} characters).");
        }

        CheckMaxValueBytes(errors, $"{section}:{nameof(CacheClientSettings.MaxValueBytes)}", options.MaxValueBytes);
        foreach ((string group, CacheClientGroupSettings settings) in options.Groups)
        {
            if (settings.MaxValueBytes is int limit)
            {
                CheckMaxValueBytes(errors, $"{section}:{nameof(CacheClientSettings.Groups)}:{group}:{nameof(CacheClientGroupSettings.MaxValueBytes)}", limit);
            }
        }

        if (options.AvoidFailedMemberFor < TimeSpan.Zero)
        {
            errors.Add($"{section}:{nameof(CacheClientSettings.AvoidFailedMemberFor)} cannot be negative; it is {options.AvoidFailedMemberFor}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckMaxValueBytes(List<string> errors, string setting, int value)
    {
        if (value is < 1 or > MaxValueBytesLimit)
        {
            errors.Add($"{setting} must be from 1 to {MaxValueBytesLimit} bytes, as a group's MaxValueBytes on the nodes; it is {value}.");
        }
    }

}
