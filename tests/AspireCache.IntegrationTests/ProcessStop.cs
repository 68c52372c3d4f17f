using System.Diagnostics;
using System.Globalization;

namespace AspireCache.IntegrationTests;

/// <summary>Stops a process a test started by hand the way an orchestrator does: SIGTERM, a grace period, then SIGKILL.</summary>
internal static class ProcessStop
{
    /// <summary>
    /// Sends SIGTERM to <paramref name="process"/> and waits up to <paramref name="grace"/> for it to exit;
    /// past that, kills it and what it started. Returns whether it exited within the grace period.
    /// </summary>
    /// <remarks>The wait is not cancellable: a test that is cancelled still has to leave no process behind.</remarks>
    public static async Task<bool> TerminateAsync(Process process, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.HasExited)
        {
            return true;
        }

        Signal(process.Id, "TERM");
        using var limit = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return false;
        }
    }

    // .NET sends only SIGKILL (Process.Kill); SIGTERM goes through kill(1), whose output is captured
    // rather than left on the test process's own output, which the test runner reads. A process that
    // exited meanwhile makes kill fail, which is not an error here.
    private static void Signal(int pid, string signal)
    {
        var start = new ProcessStartInfo("kill") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"-{signal}");
        start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        using Process kill = Process.Start(start)!;
        kill.StandardOutput.ReadToEnd();
        kill.StandardError.ReadToEnd();
        kill.WaitForExit();
    }
}
