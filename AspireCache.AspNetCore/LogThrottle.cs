namespace AspireCache.AspNetCore;

/// <summary>
/// Lets one log line through per interval and counts the occasions it held back, so that a flood of the
/// same event (refused secrets, a peer with another member set) costs one line per interval, not one per request.
/// </summary>
internal sealed class LogThrottle(TimeSpan interval, TimeProvider time)
{
    private readonly long _intervalTimestamps = (long)(interval.TotalSeconds * time.TimestampFrequency);
    private long _nextLineAt;
    private long _suppressed;

    /// <summary>
    /// True when a line may go out now, with how many were held back since the last one; false (and the
    /// occasion counted) when a line went out within the interval.
    /// </summary>
    public bool TryTake(out long suppressed)
    {
        long now = time.GetTimestamp();
        long next = Interlocked.Read(ref _nextLineAt);
        if (now < next || Interlocked.CompareExchange(ref _nextLineAt, now + _intervalTimestamps, next) != next)
        {
            Interlocked.Increment(ref _suppressed);
            suppressed = 0;
            return false;
        }

        suppressed = Interlocked.Exchange(ref _suppressed, 0);
        return true;
    }
}
