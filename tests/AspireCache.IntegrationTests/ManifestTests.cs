using System.Text.Json;

namespace AspireCache.IntegrationTests;

/// <summary>
/// The Aspire manifest (<c>dotnet run --project AppHost -- --publisher manifest --output-path …</c>), which
/// deployment tools read: it must describe every node with its name, the members and the secrets as
/// references to parameters, never their values.
/// </summary>
public sealed class ManifestTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TheManifest_DescribesEveryNode_WithSecretsAsParameters_AndTheClustersConnectionString()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"aspirecache-manifest-{Guid.NewGuid():N}");
        string manifest = Path.Combine(folder, "aspire-manifest.json");
        try
        {
            (int exitCode, string output) = await ExternalProcess.RunAsync(
                "dotnet",
                ["run", "--project", RepositoryFiles.PathOf("AppHost", "AppHost.csproj"), "--no-build", "--", "--publisher", "manifest", "--output-path", manifest],
                RepositoryFiles.Root,
                PublishTimeout);
            Assert.True(exitCode == 0, $"the manifest publisher exited with {exitCode}:\n{output}");

            using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(manifest, TestContext.Current.CancellationToken));
            JsonElement resources = document.RootElement.GetProperty("resources");

            Assert.Equal("cache-0,cache-1,cache-2", resources.GetProperty("cache").GetProperty("connectionString").GetString());
            foreach (string secret in new[] { "cache-peer-secret", "cache-admin-secret", "cache-key-hash-secret" })
            {
                JsonElement parameter = resources.GetProperty(secret);
                Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
                Assert.True(parameter.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean(), $"{secret} is not marked secret");
            }

            foreach (string node in ClusterFixture.NodeNames)
            {
                JsonElement resource = resources.GetProperty(node);
                Assert.Equal("project.v0", resource.GetProperty("type").GetString());
                JsonElement env = resource.GetProperty("env");
                Assert.Equal(node, env.GetProperty("Cache__NodeName").GetString());
                Assert.Equal(ClusterFixture.NodeNames, Enumerable.Range(0, 3).Select(i => env.GetProperty($"Cache__Members__{i}").GetString()));
                Assert.Equal("{cache-peer-secret.value}", env.GetProperty("Cache__PeerSecret").GetString());
                Assert.Equal("{cache-admin-secret.value}", env.GetProperty("Cache__AdminSecret").GetString());
                Assert.Equal("{cache-key-hash-secret.value}", env.GetProperty("Cache__KeyHashSecret").GetString());
                Assert.Equal("demobackend", env.GetProperty("Cache__Groups__demo__SourceService").GetString());
            }

            Assert.Equal("project.v0", resources.GetProperty("loadgen").GetProperty("type").GetString());
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
