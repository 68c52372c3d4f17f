namespace AspireCache;

/// <summary>A group's monotonic clock in <see cref="TimeSpan"/> ticks, so that lifetimes are plain additions.</summary>
/// <remarks>
/// Read from <see cref="TimeProvider.GetTimestamp"/>, not the wall clock: a clock set back or forward
/// must not make values expire early or live on. Tests pass a fake <see cref="TimeProvider"/>.
/// </remarks>
internal sealed class CacheClock(TimeProvider time)
{
    // Stopwatch's frequency is 10^9 on Linux and the fake clock's 10^7: both whole multiples of the tick rate.
    private readonly long _timestampsPerTick = time.TimestampFrequency % TimeSpan.TicksPerSecond == 0
        ? time.TimestampFrequency / TimeSpan.TicksPerSecond
        : 0;

    private readonly double _ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / time.TimestampFrequency;

    public TimeProvider TimeProvider { get; } = time;

    /// <summary>Now, in ticks since an arbitrary origin.</summary>
    public long Now
    {
        get
        {
            long timestamp = TimeProvider.GetTimestamp();
            return _timestampsPerTick > 0 ? timestamp / _timestampsPerTick : (long)(timestamp * _ticksPerTimestamp);
        }
    }
}
