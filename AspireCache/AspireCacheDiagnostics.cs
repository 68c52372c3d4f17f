namespace AspireCache;

/// <summary>The names under which the engine publishes its telemetry, for subscribing to it.</summary>
public static class AspireCacheDiagnostics
{
    /// <summary>The name of the engine's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "AspireCache";

    /// <summary>The name of the engine's <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "AspireCache";
}
