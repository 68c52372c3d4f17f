using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace AspireCache;

/// <summary>
/// Runs a group's loads within the group's limits: a bounded number at once, each within LoadTimeout and
/// MaxValueBytes; remembers failures for the failure backoff and, if asked, "no such key" for NotFoundTtl;
/// and counts every outcome.
/// </summary>
internal sealed class LoadRunner
{
    private readonly CacheGroup _group;
    private readonly CacheLoader _loader;
    private readonly TimeProvider _time;
    private readonly RecentFailures _recentFailures;
    private readonly RecentFailures _notFound;

    public LoadRunner(CacheGroup group, CacheLoader loader, CacheGroupOptions options)
    {
        _group = group;
        _loader = loader;
        _time = options.TimeProvider;
        _recentFailures = new RecentFailures(options.FailureBackoff, _time);
        _notFound = new RecentFailures(options.NotFoundTtl, _time);
        Slots = new LoadSlots(options.MaxConcurrentLoads);
    }

    public LoadSlots Slots { get; }

    private CacheGroupStats Stats => _group.Stats;

    /// <summary>Throws the key's remembered failure or "no such key", if it is recent enough to be given again without a load.</summary>
    public void ThrowIfRemembered(string key)
    {
        _recentFailures.ThrowIfRecent(key);
        if (_notFound.TryGetRecent(key, out ExceptionDispatchInfo? notFound))
        {
            Interlocked.Increment(ref Stats.NegativeHitsCount);
            notFound.Throw();
        }
    }

    /// <summary>Forgets the key's remembered failure and "no such key": a removal or a write makes them out of date.</summary>
    public void Forget(string key)
    {
        _recentFailures.Forget(key);
        _notFound.Forget(key);
    }

    /// <summary>Forgets every remembered failure and "no such key", for a clear of the group.</summary>
    public void ForgetAll()
    {
        _recentFailures.Clear();
        _notFound.Clear();
    }

    /// <summary>Whether the key's load failed within the failure backoff: a get of an expired key then serves it stale without a flight.</summary>
    public bool HasRecentFailure(string key) => _recentFailures.TryGetRecent(key, out _);

    /// <summary>Calls the loader once, within the group's limits.</summary>
    /// <param name="key">The key.</param>
    /// <param name="activity">The load's span, if traced.</param>
    /// <param name="isCurrent">False once a removal, write or clear came after the load started: its outcome is then not remembered.</param>
    public async Task<LoadedValue> LoadAsync(string key, Activity? activity, Func<bool> isCurrent)
    {
        long started = Stopwatch.GetTimestamp();
        using var deadline = new CancellationTokenSource(_group.LoadTimeout, _time);
        if (!await Slots.TryEnterAsync(deadline.Token).ConfigureAwait(false))
        {
            // Not remembered as the key's failure: it says that this node is busy, not that the source failed.
            var rejected = new CacheSourceException(
                $"No load slot of group '{_group.Name}' came free within its LoadTimeout of {_group.LoadTimeout.TotalSeconds:0.###} s.", isTimeout: true);
            CacheTracing.Failed(activity, rejected);
            throw rejected;
        }

        try
        {
            LoadedValue loaded = await CallLoaderAsync(key, deadline.Token).WaitAsync(deadline.Token).ConfigureAwait(false);
            if (loaded.Value.Length > _group.MaxValueBytes)
            {
                throw CacheValueTooLargeException.For(_group.Name, loaded.Value.Length, _group.MaxValueBytes);
            }

            Interlocked.Increment(ref Stats.LoadsCount);
            Record(started, "success");
            return loaded;
        }
        catch (CacheKeyNotFoundException ex)
        {
            // The source's answer, not its failure: no backoff, but the not-found cache if the group has one.
            Interlocked.Increment(ref Stats.LoadsNotFoundCount);
            Record(started, "not_found");
            CacheTracing.Failed(activity, ex);
            RememberIfCurrent(_notFound, key, ex, isCurrent);
            throw;
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested)
        {
            var timeout = new CacheSourceException(
                $"The source of group '{_group.Name}' did not answer within {_group.LoadTimeout.TotalSeconds:0.###} s.", isTimeout: true, ex);
            Failed(key, timeout, started, activity, isCurrent);
            throw timeout;
        }
        catch (Exception ex)
        {
            Failed(key, ex, started, activity, isCurrent);
            throw;
        }
    }

    // The slot is given back when the loader ends, not when its caller stops waiting: a loader that
    // ignores its token still counts against the bound until it returns.
    private async Task<LoadedValue> CallLoaderAsync(string key, CancellationToken deadline)
    {
        try
        {
            return await _loader(key, deadline).ConfigureAwait(false);
        }
        finally
        {
            Slots.Exit();
        }
    }

    // A removal bumps the key's version before it forgets what is remembered: checked again after
    // remembering, an outcome that a removal overtook is forgotten whichever came first.
    private static void RememberIfCurrent(RecentFailures memory, string key, Exception outcome, Func<bool> isCurrent)
    {
        if (isCurrent())
        {
            memory.Remember(key, outcome);
            if (!isCurrent())
            {
                memory.Forget(key);
            }
        }
    }

    private void Failed(string key, Exception failure, long started, Activity? activity, Func<bool> isCurrent)
    {
        if (failure is CacheValueTooLargeException)
        {
            Interlocked.Increment(ref Stats.ValuesTooLargeCount);
        }

        Interlocked.Increment(ref Stats.LoadErrorsCount);
        Record(started, "error");
        CacheTracing.Failed(activity, failure);
        RememberIfCurrent(_recentFailures, key, failure, isCurrent);
    }

    private void Record(long started, string outcome)
    {
        if (_group.Metrics.LoadDuration.Enabled)
        {
            _group.Metrics.LoadDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(CacheMetrics.GroupTag, _group.Name),
                new KeyValuePair<string, object?>(CacheMetrics.OutcomeTag, outcome));
        }
    }
}
