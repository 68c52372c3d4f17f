namespace Aspire.Hosting;

/// <summary>A Prometheus scrape job: resources whose <c>http</c> endpoint serves <c>/metrics</c>.</summary>
/// <param name="Name">The job label, e.g. <c>aspirecache</c>.</param>
/// <param name="Targets">The resources to scrape; each becomes a target labelled <c>instance=&lt;resource name&gt;</c>.</param>
public sealed record ScrapeJob(string Name, IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> Targets);
