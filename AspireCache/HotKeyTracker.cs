namespace AspireCache;

/// <summary>
/// Finds a group's most requested keys on this node in bounded memory: Space-Saving (Metwally, Agrawal and
/// El Abbadi, 2005) over a random sample of the gets, counted in windows of fixed length.
/// </summary>
/// <remarks>
/// <para>
/// Space-Saving keeps a fixed number of counters. A key that has one is counted; a key that has none takes
/// the counter of the least counted key and starts from that count plus one, remembering the count it took
/// over as its possible overestimate. Every key requested more often than 1/counters of the time is sure to
/// hold a counter, and no count is ever low. The counters sit in a min-heap, so each step is O(log counters).
/// </para>
/// <para>
/// Only about one get in <c>sampleEvery</c> is counted (a per-thread countdown of random length), and a
/// sample that finds another thread counting is dropped rather than waited for; rates are scaled back up by
/// both. So a hit pays one thread-local decrement, and a get that is sampled the heap's few steps.
/// </para>
/// <para>
/// Rates are those of the last complete window: at the end of a window its counts become rates, per second
/// of the time the window really lasted, and counting starts again from nothing, so a key that cools down
/// leaves the list within two windows.
/// </para>
/// </remarks>
internal sealed class HotKeyTracker
{
    /// <summary>The default sampling: one get in 16.</summary>
    public const int DefaultSampleEvery = 16;

    [ThreadStatic]
    private static int _untilSample;

    private readonly int _shown;
    private readonly int _sampleEvery;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    // The min-heap of counters by count, and each key's counter; a counter knows its place in the heap, so
    // that moving it costs no lookup. Counters are reused, never allocated after the first window.
    private readonly Counter[] _heap;
    private readonly Dictionary<string, Counter> _counters;
    private int _size;

    private long _windowStarted;
    private long _counted;
    private long _dropped;
    private IReadOnlyList<HotKeyRate> _last = [];

    /// <param name="shown">How many keys <see cref="Hottest"/> gives.</param>
    /// <param name="time">The clock that ends windows.</param>
    /// <param name="window">How long one window of counts lasts.</param>
    /// <param name="sampleEvery">One get in how many is counted, on average; 1 counts every get (for tests).</param>
    public HotKeyTracker(int shown, TimeProvider time, TimeSpan? window = null, int sampleEvery = DefaultSampleEvery)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shown, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleEvery, 1);
        _shown = shown;
        _sampleEvery = sampleEvery;
        _window = window ?? CacheGroupOptions.HotKeyWindow;
        _time = time;

        // Eight counters per key shown (at least 64): the keys shown are then ones requested more than 1/8
        // as often as the hottest, which Space-Saving holds and counts closely.
        int counters = Math.Max(64, 8 * shown);
        _heap = new Counter[counters];
        _counters = new Dictionary<string, Counter>(counters, StringComparer.Ordinal);
        _windowStarted = time.GetTimestamp();
    }

    /// <summary>Counts a get of the key, if it falls in the sample.</summary>
    public void Record(string key)
    {
        if (_sampleEvery > 1 && --_untilSample > 0)
        {
            return;
        }

        if (_sampleEvery > 1)
        {
            // A random gap of mean sampleEvery, so that no request pattern lines up with the sampling.
            _untilSample = Random.Shared.Next(1, 2 * _sampleEvery);
        }

        if (!_lock.TryEnter())
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        try
        {
            long now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_windowStarted, now) >= _window)
            {
                EndWindow(now);
            }

            Count(key);
            _counted++;
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>The most requested keys of the last complete window, most requested first.</summary>
    public IReadOnlyList<HotKeyRate> Hottest()
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_windowStarted, now) >= _window)
            {
                EndWindow(now);
            }

            return _last;
        }
    }

    private void Count(string key)
    {
        if (_counters.TryGetValue(key, out Counter? counter))
        {
            counter.Count++;
            SiftDown(counter.Position);
        }
        else if (_size < _heap.Length)
        {
            counter = _heap[_size] ??= new Counter();
            counter.Take(key, 1, 0, _size);
            _counters.Add(key, counter);
            SiftUp(_size++);
        }
        else
        {
            // The least counted key gives up its counter; the new key may have been requested that often unseen.
            counter = _heap[0];
            _counters.Remove(counter.Key);
            counter.Take(key, counter.Count + 1, counter.Count, 0);
            _counters.Add(key, counter);
            SiftDown(0);
        }
    }

    private void EndWindow(long now)
    {
        double seconds = _time.GetElapsedTime(_windowStarted, now).TotalSeconds;
        long dropped = Interlocked.Exchange(ref _dropped, 0);

        // Each counted get stands for sampleEvery gets, and for the samples dropped beside it.
        double getsPerCount = _counted == 0 ? 0 : _sampleEvery * (double)(_counted + dropped) / _counted;
        Counter[] counters = _heap[.._size];
        Array.Sort(counters, static (a, b) => b.Count.CompareTo(a.Count));

        var hottest = new HotKeyRate[Math.Min(_shown, counters.Length)];
        for (int i = 0; i < hottest.Length; i++)
        {
            hottest[i] = new HotKeyRate(counters[i].Key, counters[i].Count * getsPerCount / seconds, counters[i].Overestimate * getsPerCount / seconds);
        }

        _last = hottest;
        _counters.Clear();
        _size = 0;
        _counted = 0;
        _windowStarted = now;
    }

    private void SiftUp(int position)
    {
        while (position > 0)
        {
            int parent = (position - 1) / 2;
            if (_heap[parent].Count <= _heap[position].Count)
            {
                return;
            }

            Swap(position, parent);
            position = parent;
        }
    }

    private void SiftDown(int position)
    {
        while (true)
        {
            int smallest = position;
            int left = (2 * position) + 1;
            int right = left + 1;
            if (left < _size && _heap[left].Count < _heap[smallest].Count)
            {
                smallest = left;
            }

            if (right < _size && _heap[right].Count < _heap[smallest].Count)
            {
                smallest = right;
            }

            if (smallest == position)
            {
                return;
            }

            Swap(position, smallest);
            position = smallest;
        }
    }

    private void Swap(int a, int b)
    {
        (_heap[a], _heap[b]) = (_heap[b], _heap[a]);
        _heap[a].Position = a;
        _heap[b].Position = b;
    }

    private sealed class Counter
    {
        public string Key { get; private set; } = string.Empty;

        public long Count { get; set; }

        public long Overestimate { get; private set; }

        public int Position { get; set; }

        public void Take(string key, long count, long overestimate, int position)
        {
            Key = key;
            Count = count;
            Overestimate = overestimate;
            Position = position;
        }
    }
}
