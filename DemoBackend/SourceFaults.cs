namespace DemoBackend;

/// <summary>A switch that makes every <c>/data</c> request fail with 500, for demos and tests of serving stale values when the source is down.</summary>
public sealed class SourceFaults
{
    private volatile bool _failAll;

    /// <summary>Whether every key fails.</summary>
    public bool FailAll
    {
        get => _failAll;
        set => _failAll = value;
    }
}
