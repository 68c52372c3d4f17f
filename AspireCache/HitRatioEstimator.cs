using System.Diagnostics;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace AspireCache;

/// <summary>
/// Estimates, online and in bounded memory, the hit ratio a group's store would have at other capacities:
/// its miss-ratio curve, by SHARDS (Waldspurger, Park, Garthwaite and Ahmad, "Efficient MRC Construction
/// with SHARDS", FAST '15), with reuse distances counted in bytes as the store is bounded in bytes.
/// </summary>
/// <remarks>
/// <para>
/// Sampling is spatial: a key is sampled when a hash of it, modulo <c>P</c> = 2^24, is below a threshold
/// <c>T</c>, so the rate is <c>R = T / P</c> and a sampled key has every one of its accesses sampled. The hash
/// is XXH3 of the key's UTF-16 bytes with a seed of its own, not the ring's XXH3 of its UTF-8 with seed 0,
/// so the sample is not correlated with which keys this node owns. A key that is not sampled costs that
/// one hash and one compare, no lock and no allocation; a sampled one takes the lock only if it is free.
/// </para>
/// <para>
/// Over the sampled keys, an exact LRU (<see cref="ReuseDistanceTracker"/>) measures each access's reuse
/// distance: the bytes of the other sampled keys accessed since, scaled by <c>1/R</c> to stand for all keys,
/// plus the key's own size, which is known exactly. The access would have hit at capacity <c>C</c> when that
/// distance is at most <c>C</c>. Distances go into a histogram of buckets 1/32 of the store's capacity wide,
/// up to 4× it; first accesses and longer distances count only in the total.
/// </para>
/// <para>
/// With a skewed workload the few hottest keys carry much of the traffic, and whether the sample caught
/// one of them moves the estimate by several points. SHARDS_adj corrects for it: every access is counted
/// (<see cref="StripedCounter"/>, a plain increment), so the sampled accesses expected, <c>N × R</c>, are
/// known; the difference from those actually sampled is added to the first bucket, as accesses of hot keys
/// (which hit at any capacity) that the sample over- or under-represents, and the ratio is taken over
/// <c>N × R</c>.
/// </para>
/// <para>
/// Fixed-size SHARDS bounds memory: when more than <c>maxSampledKeys</c> keys are sampled, the threshold
/// drops to the largest sampled hash, those keys leave the sample, and the histogram is scaled by
/// <c>R_new / R_old</c> so that earlier and later accesses weigh the same. The rate starts at
/// <see cref="DefaultInitialRate"/>, not 1, so that a small key set puts at most half its hits through the
/// lock; a key set of more than <c>2 × maxSampledKeys</c> keys lowers it, to <c>maxSampledKeys / keys</c>.
/// The defaults (8,192 keys, ½) keep the estimate within 2 points of an exact LRU on the test's Zipf traces
/// of 20,000 keys, where 4,096 keys did not always.
/// To follow the current workload rather than all history, the histogram is halved every
/// <c>16 × maxSampledKeys</c> sampled accesses.
/// </para>
/// <para>
/// Memory is fixed at construction: about 93 bytes per sampled key (the tracker's two slots, a dictionary
/// entry and a heap entry), 762 KB measured for the default 8,192 keys, whatever the store holds.
/// </para>
/// </remarks>
[DebuggerDisplay("Rate = {Rate}, Keys = {SampledKeys}")]
internal sealed class HitRatioEstimator
{
    /// <summary>The default bound on sampled keys.</summary>
    public const int DefaultMaxSampledKeys = 8192;

    /// <summary>The default sampling rate before the bound lowers it.</summary>
    public const double DefaultInitialRate = 0.5;

    /// <summary>Histogram buckets per 1× of the store's capacity.</summary>
    public const int BucketsPerCapacity = 32;

    /// <summary>The largest capacity multiple the histogram reaches.</summary>
    public const int MaxMultiple = 4;

    private const int ModulusBits = 24;
    private const uint Modulus = 1u << ModulusBits;
    private const uint Mask = Modulus - 1;

    // Any fixed value other than the ring's 0; fixed so that every node samples the same keys.
    private const long SamplingSeed = 0x5A4D_5243_5348_4453; // "ZMRCSHDS"

    private readonly long _capacityBytes;
    private readonly int _maxSampledKeys;
    private readonly int _agingPeriod;
    private readonly Lock _lock = new();
    private readonly ReuseDistanceTracker _tracker;

    // The sampled keys by their sampling value, largest first (a min-heap on Mask - value).
    private readonly PriorityQueue<ulong, uint> _largest;

    private readonly double[] _histogram = new double[BucketsPerCapacity * MaxMultiple];
    private readonly StripedCounter _allAccesses = new();
    private readonly StripedCounter _dropped = new(); // sampled accesses not recorded because the lock was busy
    private double _accesses;         // sampled accesses, weighted as the histogram is
    private double _expectedAccesses; // N × R: each access counted, times the rate when it was made, weighted as the histogram is
    private long _allAccessesCounted; // the part of _allAccesses already in _expectedAccesses
    private long _droppedCounted;     // the part of _dropped already taken out of it
    private int _sinceAging;

    // Read without the lock on every access; lowered only under it.
    private volatile uint _threshold;

    /// <summary>Creates an estimator for a store of <paramref name="capacityBytes"/>.</summary>
    /// <param name="capacityBytes">The store's capacity: 1× on the curve.</param>
    /// <param name="maxSampledKeys">The most keys sampled at once, which bounds memory and the estimate's cost.</param>
    /// <param name="initialRate">The sampling rate until the bound lowers it; in (0, 1].</param>
    public HitRatioEstimator(long capacityBytes, int maxSampledKeys = DefaultMaxSampledKeys, double initialRate = DefaultInitialRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSampledKeys, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initialRate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(initialRate, 1);
        _capacityBytes = capacityBytes;
        _maxSampledKeys = maxSampledKeys;
        _agingPeriod = 16 * maxSampledKeys;
        _tracker = new ReuseDistanceTracker(maxSampledKeys);
        _largest = new PriorityQueue<ulong, uint>(maxSampledKeys + 1);
        _threshold = (uint)Math.Max(1, Math.Round(initialRate * Modulus));
    }

    /// <summary>The share of keys sampled now.</summary>
    public double Rate => (double)_threshold / Modulus;

    /// <summary>The keys sampled now.</summary>
    public int SampledKeys
    {
        get
        {
            lock (_lock)
            {
                return _tracker.Count;
            }
        }
    }

    /// <summary>Whether <paramref name="key"/>'s accesses are sampled at the current rate.</summary>
    public bool IsSampled(string key) => SamplingValue(Hash(key)) < _threshold;

    /// <summary>Records one access of the store: a hit, or a miss whose value was then loaded and stored.</summary>
    /// <param name="key">The key.</param>
    /// <param name="valueBytes">The value's length; the entry's size is worked out only for a sampled key.</param>
    public void Record(string key, int valueBytes)
    {
        _allAccesses.Increment();
        ulong hash = Hash(key);
        if (SamplingValue(hash) < _threshold)
        {
            RecordSampled(hash, LruEntry.AccountedBytes(key.Length, valueBytes));
        }
    }

    /// <summary>
    /// The estimated hit ratio of the accesses recorded (recent ones weigh more, see the remarks) at
    /// <paramref name="capacityMultiple"/> × the store's capacity; between histogram buckets, interpolated.
    /// </summary>
    /// <returns>The ratio, in [0, 1]; null before any sampled access.</returns>
    public double? EstimateHitRatio(double capacityMultiple)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityMultiple);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacityMultiple, MaxMultiple);
        double position = capacityMultiple * BucketsPerCapacity;
        int whole = (int)position;
        lock (_lock)
        {
            CountExpectedAccesses();
            if (_accesses <= 0 || _expectedAccesses <= 0)
            {
                return null;
            }

            // SHARDS_adj: the accesses expected but not sampled (or sampled beyond those expected) are hits.
            double hits = _expectedAccesses - _accesses;
            for (int bucket = 0; bucket < whole; bucket++)
            {
                hits += _histogram[bucket];
            }

            if (whole < _histogram.Length)
            {
                hits += (position - whole) * _histogram[whole];
            }

            return Math.Clamp(hits / _expectedAccesses, 0, 1);
        }
    }

    private static ulong Hash(string key) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan()), SamplingSeed);

    private static uint SamplingValue(ulong hash) => (uint)hash & Mask;

    private void RecordSampled(ulong hash, long size)
    {
        // Never waits: a hit must not queue behind another thread's sample. A sample dropped because the lock
        // is busy is also taken out of the accesses expected (see CountExpectedAccesses), so that SHARDS_adj
        // does not count it as a hit; only the recency of that one access is lost.
        if (!_lock.TryEnter())
        {
            _dropped.Increment();
            return;
        }

        try
        {
            // The threshold may have dropped since the caller's check.
            uint value = SamplingValue(hash);
            if (value >= _threshold)
            {
                return;
            }

            long reuse = _tracker.Access(hash, size);
            _accesses++;
            if (reuse == ReuseDistanceTracker.FirstAccess)
            {
                _largest.Enqueue(hash, Mask - value);
                if (_tracker.Count > _maxSampledKeys)
                {
                    LowerThreshold();
                }
            }
            else
            {
                // Would hit at capacity C when distance <= C: bucket i holds (i, i + 1] × C / 32.
                double distance = (reuse / Rate) + size;
                double bucket = Math.Ceiling(distance * BucketsPerCapacity / _capacityBytes) - 1;
                if (bucket < _histogram.Length)
                {
                    _histogram[(int)bucket]++;
                }
            }

            if (++_sinceAging >= _agingPeriod)
            {
                CountExpectedAccesses();
                Scale(0.5);
                _sinceAging = 0;
            }
        }
        finally
        {
            _lock.Exit();
        }
    }

    // Drops the keys with the largest sampling value until the sample fits, and rescales what was counted
    // at the higher rate (fixed-size SHARDS).
    private void LowerThreshold()
    {
        CountExpectedAccesses();
        double before = _threshold;
        uint threshold = _threshold;
        while (_tracker.Count > _maxSampledKeys || (_largest.TryPeek(out _, out uint top) && Mask - top >= threshold))
        {
            ulong evicted = _largest.Dequeue();
            threshold = Math.Max(1, SamplingValue(evicted));
            _tracker.Forget(evicted);
        }

        _threshold = threshold;
        Scale(threshold / before);
    }

    private void Scale(double factor)
    {
        for (int bucket = 0; bucket < _histogram.Length; bucket++)
        {
            _histogram[bucket] *= factor;
        }

        _accesses *= factor;
        _expectedAccesses *= factor;
    }

    // Adds the accesses counted since the last call at the current rate; called under the lock before the
    // rate changes, before the histogram is scaled, and before an estimate.
    private void CountExpectedAccesses()
    {
        long all = _allAccesses.Read();
        long dropped = _dropped.Read();
        _expectedAccesses += ((all - _allAccessesCounted) * Rate) - (dropped - _droppedCounted);
        _allAccessesCounted = all;
        _droppedCounted = dropped;
    }
}
