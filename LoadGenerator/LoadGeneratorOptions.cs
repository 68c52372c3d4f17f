using System.ComponentModel.DataAnnotations;

namespace LoadGenerator;

/// <summary>
/// The load generator's settings, bound from the <c>LoadGenerator</c> section and validated at start.
/// <see cref="Rate"/>, <see cref="Keys"/>, <see cref="Skew"/> and <see cref="Route"/> are the defaults of a
/// run; each <c>POST /start</c> may override them.
/// </summary>
public sealed class LoadGeneratorOptions
{
    /// <summary>The section bound.</summary>
    public const string SectionName = "LoadGenerator";

    /// <summary>The cluster's connection name: <c>ConnectionStrings:{name}</c> lists its members. Default <c>cache</c>.</summary>
    [Required]
    public string Connection { get; set; } = "cache";

    /// <summary>The group read. Default <c>demo</c>, the AppHost's group over the demo backend.</summary>
    [Required]
    public string Group { get; set; } = "demo";

    /// <summary>Reads started per second. Default 200: enough to move every panel, little enough for two cores.</summary>
    [Range(TrafficSettings.MinRate, TrafficSettings.MaxRate)]
    public double Rate { get; set; } = 200;

    /// <summary>How many distinct keys are read (<c>item-0</c> … <c>item-{Keys-1}</c>). Default 10,000.</summary>
    [Range(1, TrafficSettings.MaxKeys)]
    public int Keys { get; set; } = 10_000;

    /// <summary>
    /// The Zipf exponent of the key popularity: the key of rank <c>r</c> is read in proportion to
    /// <c>1 / r^Skew</c>. 0 reads every key equally often; the default 1.0 is the classic web-cache skew,
    /// where a few keys take most reads.
    /// </summary>
    [Range(0, TrafficSettings.MaxSkew)]
    public double Skew { get; set; } = 1.0;

    /// <summary>How reads reach the cluster. Default <see cref="TrafficRoute.Nodes"/>: spread over all nodes.</summary>
    public TrafficRoute Route { get; set; } = TrafficRoute.Nodes;

    /// <summary>
    /// At most this many reads wait for an answer at once. A read that is due while that many are out is
    /// skipped and counted (<c>skipped</c> in <c>/status</c>), so a slow cluster shows as a rate below the
    /// target instead of a queue that grows without bound. Default 64.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxInFlight { get; set; } = 64;

    /// <summary>
    /// On <see cref="TrafficRoute.Nodes"/>, how long one read may take before it counts as an error. Default 30 s,
    /// above the nodes' load timeout. <see cref="TrafficRoute.Owner"/> reads keep the client's own deadlines
    /// (<c>AspireCache:Client:LoadTimeout</c>, 15 s).
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
