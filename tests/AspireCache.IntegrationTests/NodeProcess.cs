using System.Diagnostics;

namespace AspireCache.IntegrationTests;

/// <summary>Pauses and resumes a node's process (SIGSTOP, SIGCONT), as a debugger, a stopped VM or a long GC pause would.</summary>
internal sealed class NodeProcess
{
    private readonly int[] _pids;

    private NodeProcess(int[] pids) => _pids = pids;

    /// <summary>The processes of the node <paramref name="resource"/>: the one the orchestrator started and its descendants that carry the node's settings.</summary>
    public static NodeProcess Of(DistributedApplication app, string resource)
    {
        Assert.True(app.ResourceNotifications.TryGetCurrentState(resource, out ResourceEvent? state), $"{resource} has no state.");
        object? started = state.Snapshot.Properties.SingleOrDefault(p => p.Name == "executable.pid")?.Value;
        int root = Convert.ToInt32(started, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(root > 1 && root != Environment.ProcessId, $"{resource} has no process id of its own (executable.pid = {started ?? "none"}).");

        // The orchestrator may start a launcher whose child is the node, and both carry the node's
        // environment: all of them are paused, so that none answers for the node.
        string marker = $"Cache__NodeName={resource}";
        int[] pids = [.. DescendantsOf(root).Prepend(root).Where(p => p != Environment.ProcessId && EnvironmentOf(p).Contains(marker, StringComparer.Ordinal))];
        Assert.True(pids.Length > 0, $"No process of {resource} (started as {root}) has {marker} in its environment.");
        return new NodeProcess(pids);
    }

    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    // kill's output is captured, never left on the test process's own output, which the test runner reads.
    private void Signal(string signal)
    {
        var start = new ProcessStartInfo("kill") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"-{signal}");
        foreach (int pid in _pids)
        {
            start.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using Process kill = Process.Start(start)!;
        string said = kill.StandardOutput.ReadToEnd() + kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {string.Join(' ', _pids)} failed: {said}");
    }

    private static IEnumerable<int> DescendantsOf(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid) && ParentOf(pid) is int parent)
            {
                (children.TryGetValue(parent, out List<int>? list) ? list : children[parent] = []).Add(pid);
            }
        }

        var found = new List<int>();
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out int pid))
        {
            foreach (int child in children.GetValueOrDefault(pid) ?? [])
            {
                found.Add(child);
                pending.Enqueue(child);
            }
        }

        return found;
    }

    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its last ')'.
    private static int? ParentOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null; // The process has gone, or is not ours.
        }
    }

    private static string[] EnvironmentOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
