using System.Globalization;

namespace AspireCache.IntegrationTests;

/// <summary>Reads a node's own <c>/metrics</c> (Prometheus text), without a Prometheus to scrape it.</summary>
internal static class NodeMetrics
{
    /// <summary>
    /// The sum of the series of <paramref name="metric"/> on <paramref name="node"/> that carry every one of
    /// <paramref name="labels"/> (written as in the text, e.g. <c>aspirecache_result="hit"</c>); 0 when none does.
    /// </summary>
    public static async Task<double> SumAsync(HttpClient node, string metric, IEnumerable<string> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        string[] wanted = [.. labels];
        string text = await node.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        double sum = 0;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(metric + "{", StringComparison.Ordinal) && wanted.All(label => line.Contains(label, StringComparison.Ordinal)))
            {
                // "name{labels} value [timestamp]": the value is the first field after the labels.
                sum += double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
