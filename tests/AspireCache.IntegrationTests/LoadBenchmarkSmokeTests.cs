using System.Globalization;

namespace AspireCache.IntegrationTests;

/// <summary>Runs the load benchmark (bench/load/run.sh) in smoke mode: every scenario on every system, a few seconds each.</summary>
/// <remarks>
/// Only that it runs and measures something is checked; two shared cores make the rates themselves noise.
/// Where wrk, Go or the groupcache sources are missing the test skips, except under CI (CI=true), which
/// installs them (.ci/run) and so must not lose the benchmark quietly.
/// </remarks>
public sealed class LoadBenchmarkSmokeTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(8);

    private const string GroupcacheSources = "/usr/share/gocode/src/github.com/golang/groupcache";

    private static readonly string[] Scenarios = ["owner-hit", "hot-nonowner", "distinct-nonowner", "zipf-one", "zipf-spread", "cold-miss"];

    private static readonly string[] SingleKeyScenarios = ["owner-hit"];

    [Fact]
    public async Task SmokeRun_MeasuresEveryScenarioOnEverySystem()
    {
        if (MissingReason() is string missing)
        {
            MissingTool.SkipOrFail(missing);
        }

        // A temporary file, so that a test run never overwrites the committed bench/load/results.md.
        string results = Path.Combine(Path.GetTempPath(), $"aspirecache-load-smoke-{Guid.NewGuid():N}.md");
        try
        {
            (int exitCode, string output) = await RunAsync(results);
            Assert.True(exitCode == 0, $"run.sh --smoke exited with {exitCode}:\n{output}");

            string[] lines = await File.ReadAllLinesAsync(results, TestContext.Current.CancellationToken);
            Dictionary<(string Scenario, string System), double> rates = ReadRates(lines);
            foreach (string scenario in Scenarios)
            {
                string[] systems = SingleKeyScenarios.Contains(scenario)
                    ? ["AspireCache", "groupcache", "floor (ServiceDefaults)", "floor (bare Kestrel)"]
                    : ["AspireCache", "groupcache"];
                foreach (string system in systems)
                {
                    Assert.True(rates.TryGetValue((scenario, system), out double rate), $"results.md has no row for {scenario} / {system}.");
                    Assert.True(rate > 0, $"{scenario} / {system} measured {rate} req/s.");
                }
            }

            Assert.Contains(lines, line => line.StartsWith("| Workstation GC (", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.StartsWith("| groupcache (its own idle RSS", StringComparison.Ordinal));
        }
        finally
        {
            // run.sh keeps its raw measurements in a .raw folder beside the report.
            File.Delete(results);
            string raw = Path.ChangeExtension(results, ".raw");
            if (Directory.Exists(raw))
            {
                Directory.Delete(raw, recursive: true);
            }
        }
    }

    // The script's servers are its descendants: a timeout ends the tree, what it started and nothing else.
    private static Task<(int ExitCode, string Output)> RunAsync(string results) =>
        ExternalProcess.RunAsync(
            "bash",
            [RepositoryFiles.PathOf("bench", "load", "run.sh"), "--smoke", "--out", results],
            RepositoryFiles.Root,
            RunTimeout,

            // What this test run built: the smoke proves the script runs, not how fast a Release build is.
            new Dictionary<string, string> { ["LOAD_BENCH_CONFIGURATION"] = "Debug" });

    // The "Every system" table: | scenario | system | req/s (min–max) | ...
    private static Dictionary<(string, string), double> ReadRates(string[] lines)
    {
        var rates = new Dictionary<(string, string), double>();
        foreach (string line in lines)
        {
            string[] cells = [.. line.Split('|', StringSplitOptions.TrimEntries).Skip(1)];
            if (cells.Length >= 3 && Scenarios.Contains(cells[0])
                && double.TryParse(cells[2].Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
            {
                rates[(cells[0], cells[1])] = rate;
            }
        }

        return rates;
    }

    private static string? MissingReason()
    {
        string[] missing = [.. new[] { "wrk", "go", "taskset" }.Where(tool => !MissingTool.IsOnPath(tool)).Select(tool => $"'{tool}'")];
        if (!Directory.Exists(GroupcacheSources))
        {
            missing = [.. missing, $"the groupcache sources ({GroupcacheSources})"];
        }

        return missing.Length == 0
            ? null
            : $"The load benchmark needs {string.Join(", ", missing)} (apt-get install golang-go golang-github-golang-groupcache-dev wrk; .ci/run does).";
    }
}
