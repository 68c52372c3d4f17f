namespace AspireCache;

/// <summary>
/// Bounds how many loads of one group run at once, so that a flood of distinct cold keys cannot open
/// thousands of calls to the source; loads beyond the bound wait their turn within their deadline.
/// </summary>
internal sealed class LoadSlots(int limit)
{
    private readonly SemaphoreSlim _slots = new(limit, limit);
    private long _queued;
    private long _rejected;

    public int Limit { get; } = limit;

    /// <summary>Loads running now.</summary>
    public int Active => Limit - _slots.CurrentCount;

    /// <summary>Loads that had to wait for a slot.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Loads whose deadline passed while they waited for a slot; they failed as timeouts.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Takes a slot, waiting until <paramref name="deadline"/> is cancelled at the latest.</summary>
    /// <returns>False when the deadline passed first.</returns>
    public async ValueTask<bool> TryEnterAsync(CancellationToken deadline)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            return true;
        }

        Interlocked.Increment(ref _queued);
        try
        {
            await _slots.WaitAsync(deadline).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Interlocked.Increment(ref _rejected);
            return false;
        }
    }

    public void Exit() => _slots.Release();
}
