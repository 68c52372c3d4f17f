namespace AspireCache.IntegrationTests;

/// <summary>The application with fault injection on and a short load timeout, for tests that break it.</summary>
public sealed class FailureFixture : ClusterFixture
{
    /// <summary>The group's load timeout in this application.</summary>
    public static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(2);

    protected override string[] Arguments => ["NodeCount=3", "Observability:Mode=off", "Faults:Enabled=true", $"Demo:LoadTimeout={LoadTimeout:c}", .. SecretArguments];
}
