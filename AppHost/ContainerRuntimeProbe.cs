using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Tells, before the application is built, whether a container runtime answers.</summary>
/// <remarks>
/// Aspire resolves its runtime only after the build, too late to choose which resources to add. This
/// asks the same runtime Aspire would use (ASPIRE_CONTAINER_RUNTIME or DcpPublisher:ContainerRuntime,
/// else docker, then podman) to list one container, with a short timeout: a CLI without a daemon
/// fails fast, a hung one does not hold up the start.
/// </remarks>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    /// <summary>The runtime that answered, or null with the reasons in <paramref name="why"/>.</summary>
    public static string? FindRunning(IConfiguration configuration, out string why)
    {
        string? configured = configuration["DcpPublisher:ContainerRuntime"] is { Length: > 0 } fromDcp ? fromDcp
            : configuration["ASPIRE_CONTAINER_RUNTIME"] is { Length: > 0 } fromAspire ? fromAspire
            : configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        string[] candidates = configured is { Length: > 0 } ? [configured] : ["docker", "podman"];

        var failures = new List<string>();
        foreach (string runtime in candidates)
        {
            string? failure = TryList(runtime);
            if (failure is null)
            {
                why = string.Empty;
                return runtime;
            }

            failures.Add($"{runtime}: {failure}");
        }

        why = string.Join("; ", failures);
        return null;
    }

    private static string? TryList(string runtime)
    {
        var start = new ProcessStartInfo(runtime, "container ls -n 1")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        try
        {
            using Process process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Patience))
            {
                process.Kill(entireProcessTree: true);
                return $"no answer within {Patience.TotalSeconds} s";
            }

            // A child of the CLI could hold stderr open; the verdict does not wait for it.
            string firstLine = error.Wait(Patience) ? error.Result.Split('\n', 2)[0].Trim() : string.Empty;
            return process.ExitCode == 0 ? null : $"exit code {process.ExitCode} {firstLine}";
        }
        catch (Win32Exception)
        {
            return "not on PATH";
        }
    }
}
