namespace Aspire.Hosting;

/// <summary>The demo's load generator: a resource that reads the cluster at a chosen rate when told to.</summary>
public static class LoadGeneratorExtensions
{
    /// <summary>
    /// Adds the LoadGenerator project as <c>loadgen</c> (on http://localhost:5380, its launch profile's port, so
    /// that the README's commands work as written), referencing <paramref name="cluster"/>, with dashboard
    /// commands "Start load" (asking for rate, keys, skew and route) and "Stop load", which call its
    /// <c>POST /start</c> and <c>POST /stop</c>. It does not start reading by itself.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="cluster">The cluster read.</param>
    /// <returns>The load generator.</returns>
    public static IResourceBuilder<ProjectResource> AddLoadGenerator(this IDistributedApplicationBuilder builder, IResourceBuilder<CacheClusterResource> cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);

        return builder.AddProject<Projects.LoadGenerator>("loadgen")
            .WithReference(cluster)
            .WaitFor(cluster)
            .WithHttpHealthCheck("/health")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Status (GET /status)")
            .WithUrls(urls =>
            {
                // The endpoint's own link is the status page; the bare root has nothing to show.
                foreach (ResourceUrlAnnotation url in urls.Urls.Where(u => u.Endpoint?.EndpointName == "http" && !u.Url.EndsWith("/status", StringComparison.Ordinal)))
                {
                    url.Url += "/status";
                }
            })
            .WithHttpCommand("/start", "Start load", commandName: "start-load", commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Starts reading the demo group: Zipf-skewed keys at a steady rate, spread over all nodes or through the owner-routing client.",
                IconName = "Play",
                IsHighlighted = true,
                Arguments =
                [
                    Input("rate", "Reads per second", "200"),
                    Input("keys", "Distinct keys", "10000"),
                    Input("skew", "Zipf skew (0 = uniform, 1 = typical web skew)", "1.0"),
                    new InteractionInput
                    {
                        Name = "route",
                        Label = "Route",
                        InputType = InputType.Choice,
                        Value = "nodes",
                        Options = [new("nodes", "Spread over all nodes"), new("owner", "Owner-routing client")],
                    },
                ],
                PrepareRequest = context =>
                {
                    var query = string.Join('&', context.Arguments.Select(input => $"{input.Name}={Uri.EscapeDataString(input.Value ?? "")}"));
                    context.Request.RequestUri = new Uri(context.Request.RequestUri!, "?" + query);
                    return Task.CompletedTask;
                },
            })
            .WithHttpCommand("/stop", "Stop load", commandName: "stop-load", commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Stops the load generator's reads.",
                IconName = "Stop",
            });
    }

    private static InteractionInput Input(string name, string label, string value) =>
        new() { Name = name, Label = label, InputType = InputType.Number, Required = true, Value = value };
}
