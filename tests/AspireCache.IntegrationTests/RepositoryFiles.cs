namespace AspireCache.IntegrationTests;

/// <summary>Finds files of this repository from a test's output folder.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AspireCache.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No AspireCache.sln above {AppContext.BaseDirectory}.");
    }
}
