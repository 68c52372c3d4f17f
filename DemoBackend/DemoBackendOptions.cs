using System.ComponentModel.DataAnnotations;

namespace DemoBackend;

/// <summary>How slow, big and unreliable the demo data source is; bound from the "DemoBackend" section.</summary>
public sealed class DemoBackendOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "DemoBackend";

    /// <summary>How long every answer takes. Default 100 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long keys starting with <c>slow-</c> take: long enough for any load timeout to fire. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The size of every value in bytes. Default 1 KiB.</summary>
    [Range(0, 64 * 1024 * 1024)]
    public int ValueBytes { get; set; } = 1024;

    /// <summary>
    /// How many keys <c>/stats</c> counts one by one: the most recently called; older ones are dropped (the
    /// total still counts them), so that memory stays bounded however many keys are read. Default 10,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int TrackedKeys { get; set; } = 10_000;

    /// <summary>
    /// The most bytes that changed values (<c>PUT /data/{key}</c>) may hold together, keys included; past it a
    /// PUT answers 507 and keeps nothing. Default 4 MiB: plenty for tests and demos, little for a stranger.
    /// </summary>
    [Range(1L, 1024L * 1024 * 1024)]
    public long MaxOverrideBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>The share of requests, 0 to 1, that fail at random with 500. Default 0.</summary>
    [Range(0.0, 1.0)]
    public double ErrorRate { get; set; }
}
