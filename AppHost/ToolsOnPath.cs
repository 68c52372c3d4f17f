namespace Aspire.Hosting;

/// <summary>Finds the tools the AppHost runs from PATH where no container runtime answers (Prometheus, Alertmanager).</summary>
internal static class ToolsOnPath
{
    /// <summary>The full path of the first of <paramref name="names"/> found in a folder on PATH, or null.</summary>
    /// <param name="names">Executable names in order of preference, e.g. a distribution's name before upstream's.</param>
    public static string? Find(params string[] names)
    {
        string[] folders = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return names
            .SelectMany(name => folders.Select(folder => Path.Combine(folder, name)))
            .FirstOrDefault(File.Exists);
    }
}
