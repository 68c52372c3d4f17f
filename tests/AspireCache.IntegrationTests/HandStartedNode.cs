using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace AspireCache.IntegrationTests;

/// <summary>
/// A cache node started by hand, as outside Aspire: <c>dotnet CacheNode.dll</c> from the build output,
/// configured by environment variables only, listening on its own loopback address like a pod on its
/// own IP; stopped with SIGTERM and a grace period, like a pod.
/// </summary>
internal sealed class HandStartedNode : IAsyncDisposable
{
    // ASP.NET Core's own shutdown timeout is 30 s; a node that drains longer than that is killed.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(40);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HandStartedNode(string name, Uri url, ProcessStartInfo start)
    {
        Name = name;
        Url = url;

        // A plain client: no resilience handler may retry and hide a failure.
        Client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// The CacheNode assembly the AppHost's build produced. The test project references the AppHost, which
    /// builds CacheNode into CacheNode's own output folder (an Aspire project reference is not copied
    /// here), in the configuration and target framework this test assembly was built in.
    /// </summary>
    public static string AssemblyPath => FindAssembly();

    /// <summary>The node's member name (<c>Cache__NodeName</c>).</summary>
    public string Name { get; }

    /// <summary>Where the node listens (<c>ASPNETCORE_URLS</c>).</summary>
    public Uri Url { get; }

    /// <summary>A client of the node, at <see cref="Url"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>The node's process id (the <c>dotnet</c> host runs the application in its own process).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the node's process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The node's exit code, once it has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the node wrote to its standard output and error, for a failing test's output.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Starts the node <paramref name="name"/> listening at <paramref name="url"/> with <paramref name="settings"/>
    /// as its environment (<c>Cache__…</c>, <c>services__…</c>). Settings of those kinds that the test
    /// process itself has are not passed on: the node gets exactly what the test gives it.
    /// </summary>
    public static HandStartedNode Start(string name, Uri url, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(settings);
        string assembly = AssemblyPath;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(assembly);
        foreach (string inherited in start.Environment.Keys.Where(IsNodeSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        // Production, as a deployed node runs (no launch profile here sets it), with its address alone.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        foreach ((string variable, string value) in settings)
        {
            start.Environment[variable] = value;
        }

        return new HandStartedNode(name, url, start);
    }

    /// <summary>Waits until the node answers <c>/health</c> (ready); fails at once, with its output, if it exits instead.</summary>
    public Task WaitUntilHealthyAsync(TimeSpan within, CancellationToken cancellationToken) =>
        Waits.UntilAsync(
            $"{Name} answers /health at {Url}",
            async () =>
            {
                if (_process.HasExited)
                {
                    Assert.Fail($"{Name} exited with {_process.ExitCode} before it was healthy. Its output:\n{Output}");
                }

                try
                {
                    using HttpResponseMessage health = await Client.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                    return health.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // Not listening yet.
                }
            },
            within,
            cancellationToken: cancellationToken);

    /// <summary>
    /// Stops the node as an orchestrator does (SIGTERM, then SIGKILL after a grace period) and waits for its
    /// process to end. Returns whether it stopped within the grace period.
    /// </summary>
    public Task<bool> StopAsync() => ProcessStop.TerminateAsync(_process, StopGrace);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client.Dispose();
        _process.Dispose();
    }

    private static bool IsNodeSetting(string variable) =>
        variable.StartsWith("Cache__", StringComparison.OrdinalIgnoreCase)
        || variable.StartsWith("services__", StringComparison.OrdinalIgnoreCase)
        || variable.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase);

    private static string FindAssembly()
    {
        string project = Path.GetDirectoryName(new Projects.CacheNode().ProjectPath)!;
        string configuration = typeof(HandStartedNode).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        string targetFramework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        string path = Path.Combine(project, "bin", configuration, targetFramework, "CacheNode.dll");
        Assert.True(File.Exists(path), $"No CacheNode build at {path}: the AppHost, which this test project references, builds it there.");
        return path;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
