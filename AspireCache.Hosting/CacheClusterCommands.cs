using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

/// <summary>
/// The cluster's commands in the dashboard: "Clear group" (the cluster-wide clear, with the admin secret)
/// and "Show ring" (every node's view of the members and what it holds), and each node's link to its
/// <c>/cluster</c> view. Clear group is enabled once the cluster is Running; Show ring always.
/// </summary>
internal static class CacheClusterCommands
{
    /// <summary>The name of the clear command, for the resource command service and the Aspire CLI.</summary>
    public const string ClearGroupCommand = "clear-group";

    /// <summary>The name of the ring view command.</summary>
    public const string ShowRingCommand = "show-ring";

    private const string GroupArgument = "group";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The most bytes read of a node's answer (its /cluster view, a failed clear's problem): far more than either holds.</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    public static void Add(IResourceBuilder<CacheClusterResource> cluster)
    {
        CacheClusterResource resource = cluster.Resource;

        cluster.WithCommand(
            ClearGroupCommand,
            "Clear group",
            context => ClearGroupAsync(resource, context),
            new CommandOptions
            {
                Description = "Empties a group on every node (POST /_admin/groups/{group}/clear with the admin secret); the next reads load again.",
                ConfirmationMessage = "Clear the group on every node? The next reads of its keys go to the source.",
                IconName = "Delete",
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = GroupArgument,
                        Label = "Group",
                        InputType = InputType.Text,
                        Required = true,
                        Description = "The group to clear on every node.",
                    },
                ],
                UpdateState = WhenRunning,
            });

        // Always enabled: the view matters most while a node is down or the cluster failed to start.
        cluster.WithCommand(
            ShowRingCommand,
            "Show ring",
            context => ShowRingAsync(resource, context),
            new CommandOptions
            {
                Description = "Asks every node for its /cluster view: the members it sees, their health, and the entries it holds per group.",
                IconName = "DataPie",
            });

        foreach (ProjectResource node in resource.Nodes)
        {
            cluster.ApplicationBuilder.CreateResourceBuilder(node).WithUrls(urls =>
            {
                EndpointReference http = node.GetEndpoint(CacheClusterBuilderExtensions.EndpointName);
                if (http.IsAllocated)
                {
                    urls.Urls.Add(new ResourceUrlAnnotation { Url = http.Url + "/cluster", DisplayText = "Cluster view", Endpoint = http });
                }
            });
        }
    }

    /// <summary>The first group declared becomes the one "Clear group" offers.</summary>
    public static void GroupDeclared(CacheClusterResource cluster, string group)
    {
        InteractionInput? input = cluster.Annotations.OfType<ResourceCommandAnnotation>()
            .FirstOrDefault(c => c.Name == ClearGroupCommand)?.Arguments?.FirstOrDefault(a => a.Name == GroupArgument);
        if (input is not null && string.IsNullOrEmpty(input.Value))
        {
            input.Value = group;
        }
    }

    private static ResourceCommandState WhenRunning(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> ClearGroupAsync(CacheClusterResource cluster, ExecuteCommandContext context)
    {
        string? group = context.Arguments[GroupArgument].Value?.Trim();
        if (string.IsNullOrEmpty(group))
        {
            return CommandResults.Failure("Name the group to clear.");
        }

        string secret = await cluster.AdminSecret.GetValueAsync(context.CancellationToken).ConfigureAwait(false) ?? "";
        using HttpClient http = CreateClient(context.Services);

        // Any member runs the cluster-wide clear; the first that answers does.
        var unanswered = new List<string>();
        foreach ((ProjectResource node, Uri address) in Addresses(cluster))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, $"_admin/groups/{Uri.EscapeDataString(group)}/clear"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, context.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !context.CancellationToken.IsCancellationRequested)
            {
                unanswered.Add($"{node.Name} ({ex.Message})");
                continue;
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    return CommandResults.Success($"Group '{group}' was cleared on every node (through {node.Name}).");
                }

                string body = await response.Content.ReadAsStringAsync(context.CancellationToken).ConfigureAwait(false);
                return CommandResults.Failure(
                    $"{node.Name} answered {(int)response.StatusCode} {response.ReasonPhrase} to the clear of '{group}'.",
                    body,
                    CommandResultFormat.Json);
            }
        }

        return CommandResults.Failure($"No node answered the clear of '{group}': {string.Join("; ", unanswered)}.");
    }

    private static async Task<ExecuteCommandResult> ShowRingAsync(CacheClusterResource cluster, ExecuteCommandContext context)
    {
        using HttpClient http = CreateClient(context.Services);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Ring of {cluster.Name}: {cluster.Nodes.Count} members");
        text.AppendLine();
        text.AppendLine("| node | sees members (state) | entries held per group |");
        text.AppendLine("| --- | --- | --- |");
        foreach ((ProjectResource node, Uri address) in Addresses(cluster))
        {
            try
            {
                using JsonDocument view = JsonDocument.Parse(await http.GetStringAsync(new Uri(address, "cluster"), context.CancellationToken).ConfigureAwait(false));
                string members = string.Join(", ", view.RootElement.GetProperty("members").EnumerateArray().Select(m =>
                    $"{m.GetProperty("name").GetString()} ({m.GetProperty("state").GetString()}{(m.GetProperty("inRing").GetBoolean() ? "" : ", out of ring")})"));
                string groups = string.Join(", ", view.RootElement.GetProperty("groups").EnumerateArray().Select(g =>
                    $"{g.GetProperty("name").GetString()}: {g.GetProperty("entries").GetInt32()} ({g.GetProperty("hotEntries").GetInt32()} hot)"));
                text.AppendLine(CultureInfo.InvariantCulture, $"| {node.Name} | {members} | {groups} |");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException && !context.CancellationToken.IsCancellationRequested)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {node.Name} | no answer: {ex.Message} | |");
            }
        }

        return CommandResults.Success($"The ring of {cluster.Name} as each node sees it.", text.ToString(), CommandResultFormat.Markdown, displayImmediately: true);
    }

    private static IEnumerable<(ProjectResource Node, Uri Address)> Addresses(CacheClusterResource cluster)
    {
        foreach (ProjectResource node in cluster.Nodes)
        {
            EndpointReference http = node.GetEndpoint(CacheClusterBuilderExtensions.EndpointName);
            if (http.IsAllocated)
            {
                yield return (node, new Uri(http.Url + "/"));
            }
        }
    }

    private static HttpClient CreateClient(IServiceProvider services)
    {
        HttpClient http = services.GetRequiredService<IHttpClientFactory>().CreateClient();
        http.Timeout = RequestTimeout;

        // Every answer is buffered whole (GetStringAsync, and SendAsync's default): never past this.
        http.MaxResponseContentBufferSize = MaxAnswerBytes;
        return http;
    }
}
