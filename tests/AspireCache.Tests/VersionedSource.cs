using System.Text;

namespace AspireCache.Tests;

/// <summary>
/// A source whose value of a key changes at every load (<c>key#1</c>, <c>key#2</c>, …), that can be held
/// open or made to fail, so that a test sees which load a value came from.
/// </summary>
internal sealed class VersionedSource
{
    private int _calls;
    private TaskCompletionSource? _hold;
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Loader calls so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>When set, every load fails with this.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Holds the next load open (it has counted its call and read its version) until the returned gate is set.</summary>
    public TaskCompletionSource HoldNext()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _hold, hold);
        return hold;
    }

    /// <summary>Completes when a held load has started and is waiting at its gate.</summary>
    public Task HeldLoadStarted => Volatile.Read(ref _started).Task;

    public async ValueTask<LoadedValue> LoadAsync(string key, CancellationToken cancellationToken)
    {
        int call = Interlocked.Increment(ref _calls);
        TaskCompletionSource? hold = Interlocked.Exchange(ref _hold, null);
        if (hold is not null)
        {
            Volatile.Read(ref _started).TrySetResult();
            await hold.Task;
            Volatile.Write(ref _started, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        return Encoding.UTF8.GetBytes($"{key}#{call}");
    }
}
