namespace AspireCache.IntegrationTests;

/// <summary>What a test does when a tool it needs is not installed: skip with the reason, except in CI.</summary>
internal static class MissingTool
{
    /// <summary>
    /// Skips the test, naming what is missing; under CI (<c>CI</c> set to <c>true</c>, in any case, or
    /// <c>1</c>) fails it instead, since <c>.ci/run</c> installs every tool the tests need and a skip there
    /// would hide a broken install.
    /// </summary>
    public static void SkipOrFail(string missing) => SkipOrFail(missing, Environment.GetEnvironmentVariable("CI"));

    /// <summary><see cref="SkipOrFail(string)"/> with the value of <c>CI</c> given, so that the rule can be tested.</summary>
    public static void SkipOrFail(string missing, string? ci)
    {
        if (IsCi(ci))
        {
            Assert.Fail($"{missing} CI={ci}, so this test must run (.ci/run installs its tools).");
        }

        Assert.Skip(missing);
    }

    /// <summary>
    /// Whether a value of <c>CI</c> says "this is CI": runners spell it <c>true</c> (GitHub Actions, GitLab),
    /// <c>True</c> (Azure Pipelines) or <c>1</c>, and a spelling the rule did not know would turn a missing
    /// tool into a silent skip.
    /// </summary>
    public static bool IsCi(string? ci) =>
        ci is not null && (ci.Trim() == "1" || (bool.TryParse(ci, out bool on) && on));

    /// <summary>Whether an executable of that name is in a folder on PATH.</summary>
    public static bool IsOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, name)));
}
