namespace AspireCache.IntegrationTests;

/// <summary>
/// Runs tools/newcomer/newcomer-test.sh: the README's own commands on a fresh clone of this repository
/// (run, start the load, ask a node for a key another node owns, stop the load), a hit ratio above zero
/// in Prometheus, the README's screenshots taken and checked, and no process left behind.
/// </summary>
/// <remarks>
/// The clone holds what is committed, as a newcomer's would: uncommitted changes are not tested. The
/// AppHost it starts uses the launch profile's fixed ports (dashboard 15080, 19080, 20080; loadgen 5380;
/// nodes 5401-5403; backend 5300; demoapi 5290), which no other test uses: the others build the
/// application with Aspire's testing builder, which picks free ports.
/// </remarks>
public sealed class NewcomerTests
{
    // The script bounds itself below this (NEWCOMER_TOTAL_LIMIT, 540 s), so that it stops what it started
    // and says which step failed before this limit ends its process tree. Its watchdog acts only once the
    // step in the foreground returns (at most the screenshots' 180 s) and stopping takes up to 60 s more:
    // 540 + 180 + 60 s stays under this.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);

    private static readonly string[] Screenshots = ["dashboard-resources.png", "trace-across-nodes.png", "prometheus-hit-ratio.png"];

    [Fact]
    public async Task FollowingTheReadme_OnAFreshClone_ShowsWhatItPromises_AndLeavesNothingRunning()
    {
        if (MissingReason() is string missing)
        {
            MissingTool.SkipOrFail(missing);
        }

        string screenshots = Path.Combine(Path.GetTempPath(), $"aspirecache-newcomer-shots-{Guid.NewGuid():N}");
        try
        {
            (int exitCode, string output) = await ExternalProcess.RunAsync(
                "bash",
                [RepositoryFiles.PathOf("tools", "newcomer", "newcomer-test.sh"), "--screenshots", screenshots, RepositoryFiles.Root],
                RepositoryFiles.Root,
                RunTimeout,
                // 15 s of the hit ratio in Prometheus's graph, not the README picture's minute: the graph is drawn all the same.
                new Dictionary<string, string> { ["NEWCOMER_TOTAL_LIMIT"] = "540", ["NEWCOMER_HISTORY"] = "15" });

            Assert.True(exitCode == 0, $"newcomer-test.sh exited with {exitCode}:\n{output}");
            foreach (string png in Screenshots)
            {
                var file = new FileInfo(Path.Combine(screenshots, png));
                Assert.True(file.Exists && file.Length > 0, $"{png} was not written:\n{output}");
            }
        }
        finally
        {
            if (Directory.Exists(screenshots))
            {
                Directory.Delete(screenshots, recursive: true);
            }
        }
    }

    private static string? MissingReason()
    {
        string[] missing = [.. new[] { "chromium", "node", "npm", "prometheus", "git", "curl", "setsid" }.Where(tool => !MissingTool.IsOnPath(tool)).Select(tool => $"'{tool}'")];
        return missing.Length == 0
            ? null
            : $"The newcomer test needs {string.Join(", ", missing)} (apt-get install chromium nodejs npm prometheus; .ci/run does).";
    }
}
