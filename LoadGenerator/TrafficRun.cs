namespace LoadGenerator;

/// <summary>
/// One run: starts reads at the settings' rate until it is stopped. The rate is kept open-loop, as real
/// callers arrive whether or not the cache keeps up: every 10 ms the reads due so far are started, except
/// that no more than MaxInFlight wait at once; those beyond are skipped and counted.
/// </summary>
internal sealed class TrafficRun
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly ITrafficTarget _target;
    private readonly string _group;
    private readonly int _maxInFlight;
    private readonly TrafficMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ZipfKeys _keys;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, long> _results = [];
    private readonly long _started;
    private long _stopped;
    private long _inFlight;
    private long _reads;
    private long _errors;
    private long _skipped;
    private string? _lastError;
    private Task _loop = Task.CompletedTask;

    public TrafficRun(TrafficSettings settings, ITrafficTarget target, string group, int maxInFlight, TrafficMetrics metrics, TimeProvider time, ILogger logger)
    {
        Settings = settings;
        _target = target;
        _group = group;
        _maxInFlight = maxInFlight;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _keys = new ZipfKeys(settings.Keys, settings.Skew);
        _started = time.GetTimestamp();
    }

    public TrafficSettings Settings { get; }

    public bool Running => !_stop.IsCancellationRequested;

    /// <summary>Reads waiting for an answer now.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    public void Start()
    {
        // Not in the caller's context: the reads would all be children of the POST /start request that
        // began the run, one trace of millions of spans, instead of a trace each.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>
    /// Stops starting reads and cancels those still out; returns once the pacing loop has ended and every
    /// read has returned, so that the status it leaves is final and a run that replaces this one never
    /// shares the cluster with its reads.
    /// </summary>
    public async Task StopAsync()
    {
        if (Running)
        {
            Interlocked.Exchange(ref _stopped, _time.GetTimestamp());
            await _stop.CancelAsync();
        }

        await _loop;
        if (Interlocked.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        await _drained.Task;
    }

    public TrafficStatus Status()
    {
        long stopped = Interlocked.Read(ref _stopped);
        double seconds = (stopped == 0 ? _time.GetElapsedTime(_started) : _time.GetElapsedTime(_started, stopped)).TotalSeconds;
        long reads = Interlocked.Read(ref _reads);
        Dictionary<string, long> results;
        lock (_results)
        {
            results = new Dictionary<string, long>(_results);
        }

        return new TrafficStatus(
            Running,
            Settings,
            Math.Round(seconds, 3),
            reads,
            Interlocked.Read(ref _errors),
            Interlocked.Read(ref _skipped),
            seconds > 0 ? Math.Round(reads / seconds, 1) : 0,
            results,
            Volatile.Read(ref _lastError));
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var random = new Random();
        long issued = 0;
        using var timer = new PeriodicTimer(Tick, _time);
        try
        {
            do
            {
                long due = (long)(_time.GetElapsedTime(_started).TotalSeconds * Settings.Rate);
                for (; issued < due; issued++)
                {
                    if (Interlocked.Read(ref _inFlight) >= _maxInFlight)
                    {
                        Interlocked.Add(ref _skipped, due - issued);
                        _metrics.Skipped(Settings.Route, due - issued);
                        issued = due;
                        break;
                    }

                    Interlocked.Increment(ref _inFlight);
                    _ = ReadAsync(TrafficSettings.KeyOf(_keys.Next(random)), stopping);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task ReadAsync(string key, CancellationToken stopping)
    {
        long start = _time.GetTimestamp();
        string result;
        try
        {
            result = await _target.ReadAsync(_group, key, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Cut off by the stop, not failed: not counted.
            Returned();
            return;
        }
        catch (Exception ex)
        {
            result = "error";
            Interlocked.Increment(ref _errors);
            if (Interlocked.Exchange(ref _lastError, ex.Message) is null)
            {
                // The first error of a run is logged; the count and the last message are in /status and the metrics.
                _logger.LogWarning(ex, "A read of {Group}/{Key} failed; later failures are counted, not logged.", _group, key);
            }
        }

        Interlocked.Increment(ref _reads);
        lock (_results)
        {
            _results[result] = _results.GetValueOrDefault(result) + 1;
        }

        _metrics.Read(Settings.Route, result, _time.GetElapsedTime(start));
        Returned();
    }

    private void Returned()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _stop.IsCancellationRequested)
        {
            _drained.TrySetResult();
        }
    }
}
