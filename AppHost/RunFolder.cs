using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>A fresh temporary folder per run of the AppHost, for a tool's generated config and its data.</summary>
internal static class RunFolder
{
    /// <summary>
    /// Names a new folder <c>aspirecache-{tool}-{guid}</c> in the temporary folder and deletes it when the
    /// application stops. The caller creates it when its resource starts: an application model that is
    /// built but never run leaves nothing behind.
    /// </summary>
    public static string For(IDistributedApplicationBuilder builder, string tool)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"aspirecache-{tool}-{Guid.NewGuid():N}");
        builder.Eventing.Subscribe<BeforeStartEvent>((started, _) =>
        {
            started.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() => DeleteQuietly(folder));
            return Task.CompletedTask;
        });
        return folder;
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
