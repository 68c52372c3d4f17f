namespace AspireCache.Hosting.Tests;

/// <summary>
/// What <c>Projects.CacheNode</c> is in an AppHost (which alone gets the generated type): the metadata of
/// a project that embeds the server library, here the repository's own node.
/// </summary>
internal sealed class CacheNodeProject : IProjectMetadata
{
    public string ProjectPath { get; } = FindProject();

    private static string FindProject()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AspireCache.sln")))
            {
                return Path.Combine(folder.FullName, "CacheNode", "CacheNode.csproj");
            }
        }

        throw new InvalidOperationException($"No AspireCache.sln above {AppContext.BaseDirectory}.");
    }
}
