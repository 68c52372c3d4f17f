using System.Text.Json;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The container images the .NET SDK builds (<c>dotnet publish … /t:PublishContainer</c>). The base image
/// cannot be pulled here, so the build itself is not run; its inputs are read from MSBuild instead.
/// </summary>
public sealed class ContainerImageTests
{
    private static readonly TimeSpan MsBuildTimeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("CacheNode", "aspirecache/cachenode")]
    [InlineData("DemoBackend", "aspirecache/demobackend")]
    public async Task TheProject_NamesItsImage_OnTheAspNetBaseImage_AsANonRootUser_On8080(string project, string repository)
    {
        (int exitCode, string output) = await ExternalProcess.RunAsync(
            "dotnet",
            ["msbuild", RepositoryFiles.PathOf(project, $"{project}.csproj"), "-getProperty:ContainerRepository", "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser", "-getProperty:EnableSdkContainerSupport", "-getItem:ContainerPort"],
            RepositoryFiles.Root,
            MsBuildTimeout);
        Assert.True(exitCode == 0, $"dotnet msbuild exited with {exitCode}:\n{output}");

        using JsonDocument answer = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        JsonElement properties = answer.RootElement.GetProperty("Properties");
        Assert.Equal(repository, properties.GetProperty("ContainerRepository").GetString());
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", properties.GetProperty("ContainerBaseImage").GetString());
        Assert.Equal("app", properties.GetProperty("ContainerUser").GetString());
        Assert.Equal("true", properties.GetProperty("EnableSdkContainerSupport").GetString());
        JsonElement port = Assert.Single(answer.RootElement.GetProperty("Items").GetProperty("ContainerPort").EnumerateArray());
        Assert.Equal("8080", port.GetProperty("Identity").GetString());
        Assert.Equal("tcp", port.GetProperty("Type").GetString());
    }
}
