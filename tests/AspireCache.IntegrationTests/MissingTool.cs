namespace AspireCache.IntegrationTests;

/// <summary>What a test does when a tool it needs is not installed: skip with the reason, except in CI.</summary>
internal static class MissingTool
{
    /// <summary>
    /// Skips the test, naming what is missing; under CI (<c>CI=true</c>) fails it instead, since
    /// <c>.ci/run</c> installs every tool the tests need and a skip there would hide a broken install.
    /// </summary>
    public static void SkipOrFail(string missing)
    {
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"{missing} CI=true, so this test must run (.ci/run installs its tools).");
        }

        Assert.Skip(missing);
    }

    /// <summary>Whether an executable of that name is in a folder on PATH.</summary>
    public static bool IsOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, name)));
}
