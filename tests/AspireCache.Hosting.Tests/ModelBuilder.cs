namespace AspireCache.Hosting.Tests;

/// <summary>An application builder for inspecting the model: no AppHost project, no dashboard, nothing run.</summary>
internal static class ModelBuilder
{
    public static IDistributedApplicationBuilder Create() =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { DisableDashboard = true });
}
