using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;

namespace AspireCache.IntegrationTests;

/// <summary>
/// A container's environment as the kubelet would give it, with stand-ins for what only a cluster knows:
/// the downward API's pod name and namespace, and the referenced Secrets' values from the rendered Secrets.
/// </summary>
internal static partial class ContainerEnvironment
{
    /// <summary>The pod name the downward API stands in for (the first node's).</summary>
    public const string PodName = "cache-0";

    /// <summary>The namespace the downward API stands in for.</summary>
    public const string PodNamespace = "default";

    /// <summary>
    /// The variables in order, each value resolved: <c>$(NAME)</c> expands to a variable defined earlier in the
    /// list (the kubelet's rule), fieldRefs to the stand-ins, secretKeyRefs to the rendered Secret's data.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Resolve(V1Container container, IEnumerable<V1Secret> secrets)
    {
        Dictionary<string, V1Secret> byName = secrets.ToDictionary(s => s.Metadata.Name, StringComparer.Ordinal);
        var resolved = new List<KeyValuePair<string, string>>();
        var defined = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (V1EnvVar variable in container.Env)
        {
            string value = variable.ValueFrom switch
            {
                null => Expand(variable.Value ?? string.Empty, defined),
                { FieldRef.FieldPath: "metadata.name" } => PodName,
                { FieldRef.FieldPath: "metadata.namespace" } => PodNamespace,
                { SecretKeyRef: { } secretRef } => SecretValue(byName, secretRef),
                _ => throw new InvalidOperationException($"{variable.Name} takes its value from a source this test does not stand in for."),
            };
            defined[variable.Name] = value;
            resolved.Add(new(variable.Name, value));
        }

        return resolved;
    }

    private static string SecretValue(Dictionary<string, V1Secret> secrets, V1SecretKeySelector reference)
    {
        Assert.True(secrets.TryGetValue(reference.Name, out V1Secret? secret), $"no rendered Secret is named '{reference.Name}'; there are [{string.Join(", ", secrets.Keys)}].");
        Assert.True(secret.Data?.ContainsKey(reference.Key) == true, $"the Secret '{reference.Name}' has no key '{reference.Key}'; it has [{string.Join(", ", secret.Data?.Keys ?? [])}].");
        return Encoding.UTF8.GetString(secret.Data![reference.Key]);
    }

    // A reference to a variable not defined earlier stays as written, as the kubelet leaves it; the test
    // then sees "$(" in a value and says which.
    private static string Expand(string value, Dictionary<string, string> defined) =>
        Reference().Replace(value, match => defined.TryGetValue(match.Groups[1].Value, out string? known) ? known : match.Value);

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
