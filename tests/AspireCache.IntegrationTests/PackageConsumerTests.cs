namespace AspireCache.IntegrationTests;

/// <summary>
/// Packs the libraries and builds an application outside this solution from those packages alone: the
/// sample under samples/EmbeddedCache, which embeds the cache in its own service, reads it through the
/// client and is wired by its own AppHost, as the README shows. Its own test then runs it.
/// </summary>
/// <remarks>
/// Each run packs a version of its own (0.1.0-test.*), so a package an earlier run left in the NuGet cache
/// can never stand in for the code under test. The sample is copied out of the repository first, so no
/// Directory.Build.props or package version of the repository reaches it.
/// </remarks>
public sealed class PackageConsumerTests
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ConsumerTimeout = TimeSpan.FromMinutes(10);

    // Builds run from a test must not leave MSBuild or compiler servers behind, nor reuse the test run's.
    private static readonly Dictionary<string, string> BuildEnvironment = new()
    {
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1",
        ["UseSharedCompilation"] = "false",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    [Fact]
    public async Task SampleOutsideTheSolution_BuildsFromThePackages_AndItsEndToEndTestPasses()
    {
        string work = Path.Combine(Path.GetTempPath(), $"aspirecache-consumer-{Guid.NewGuid():N}");
        string packages = Path.Combine(work, "packages");
        string sample = Path.Combine(work, "EmbeddedCache");
        string version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(1000, 9999)}";
        try
        {
            (int packExit, string packOutput) = await ExternalProcess.RunAsync(
                "dotnet",
                // The libraries as this test run built them: a Release build of its own would cost half a minute
                // and change nothing that the consumer sees (the public surface, the packages' contents and dependencies).
                ["pack", RepositoryFiles.PathOf("AspireCache.Packages.slnf"), "-c", "Debug", "--no-build", "-o", packages, $"-p:Version={version}", "--disable-build-servers"],
                RepositoryFiles.Root,
                PackTimeout,
                BuildEnvironment);
            Assert.True(packExit == 0, $"dotnet pack exited with {packExit}:\n{packOutput}");
            foreach (string id in new[] { "AspireCache", "AspireCache.AspNetCore", "AspireCache.Client", "AspireCache.Hosting" })
            {
                Assert.True(File.Exists(Path.Combine(packages, $"{id}.{version}.nupkg")), $"dotnet pack made no {id} {version}:\n{packOutput}");
            }

            CopySample(RepositoryFiles.PathOf("samples", "EmbeddedCache"), sample);
            string nugetConfig = Path.Combine(sample, "nuget.config");
            await File.WriteAllTextAsync(
                nugetConfig,
                (await File.ReadAllTextAsync(nugetConfig, TestContext.Current.CancellationToken)).Replace("../../artifacts/packages", packages, StringComparison.Ordinal),
                TestContext.Current.CancellationToken);

            (int testExit, string testOutput) = await ExternalProcess.RunAsync(
                "dotnet",
                ["test", Path.Combine(sample, "Shop.Tests", "Shop.Tests.csproj"), $"-p:AspireCacheVersion={version}", "--disable-build-servers"],
                sample,
                ConsumerTimeout,
                BuildEnvironment);
            Assert.True(testExit == 0, $"The sample's test exited with {testExit}:\n{testOutput}");
            Assert.Contains("Passed:     1, Skipped:     0", testOutput, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    // The sample's sources only: build output of an earlier run by hand must not come along.
    private static void CopySample(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("bin") || parts.Contains("obj"))
            {
                continue;
            }

            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
