namespace AspireCache.AspNetCore.Tests;

/// <summary>Waits for a state that another thread brings about, bounded by real time.</summary>
internal static class Waits
{
    public static async Task UntilAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition() && !patience.IsCancellationRequested)
        {
            await Task.Delay(5, CancellationToken.None);
        }

        Assert.True(condition());
    }
}
