namespace Aspire.Hosting;

/// <summary>Writes alertmanager.yml from the repository's <c>prometheus/alertmanager.yml</c>, pointed at the AppHost's alert receiver.</summary>
/// <remarks>
/// Alertmanager expands no variables, so the template's receiver URL is a placeholder that parses (the
/// template passes <c>amtool check-config</c> as it is) and is replaced here, when the receiver's address is known.
/// </remarks>
internal static class AlertmanagerConfig
{
    /// <summary>The file's name, in the repository's <c>prometheus/</c> folder and where Alertmanager reads it.</summary>
    public const string FileName = "alertmanager.yml";

    /// <summary>What the template says instead of the receiver's scheme, host and port (.invalid is a name that never resolves).</summary>
    public const string ReceiverPlaceholder = "http://aspirecache-alerts.invalid";

    /// <summary>The template, as an absolute path resolved from the AppHost's own folder.</summary>
    public static string TemplatePathIn(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "prometheus", FileName));

    /// <param name="template">The template's path.</param>
    /// <param name="receiver">The alert receiver, whose address replaces <see cref="ReceiverPlaceholder"/>.</param>
    /// <param name="network">Where Alertmanager runs: null for the host, a container network for a container.</param>
    /// <param name="cancellationToken">Cancels reading the template and resolving the address.</param>
    public static async Task<string> BuildAsync(string template, IResourceWithEndpoints receiver, NetworkIdentifier? network, CancellationToken cancellationToken)
    {
        string config = await File.ReadAllTextAsync(template, cancellationToken);
        string address = await NetworkAddress.HostAndPortAsync(receiver, network, cancellationToken);
        return "# Written by the AspireCache AppHost at every start from prometheus/alertmanager.yml, with its alert receiver's address.\n"
            + config.Replace(ReceiverPlaceholder, "http://" + address, StringComparison.Ordinal);
    }
}
