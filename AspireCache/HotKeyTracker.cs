using System.Runtime.CompilerServices;

namespace AspireCache;

/// <summary>
/// Finds a group's most requested keys on this node in bounded memory and bounded time: Space-Saving
/// (Metwally, Agrawal and El Abbadi, 2005) over the gets, or a random sample of them when they are many,
/// counted in windows of fixed length.
/// </summary>
/// <remarks>
/// <para>
/// Space-Saving keeps a fixed number of counters. A key that has one is counted; a key that has none takes
/// the counter of the least counted key and starts from that count plus one, remembering the count it took
/// over as its possible overestimate. A counter is never below its key's true count of samples, and at most
/// its overestimate above it; every key with more than 1/counters of the samples is sure to hold one. The
/// counters sit in a min-heap, so each step is O(log counters).
/// </para>
/// <para>
/// A window counts about <see cref="SamplesPerWindow"/> gets however busy the node: every get while they are
/// fewer, else one in so many (a per-thread countdown of random length, set from the last window's rate). So a
/// quiet node's list is exact, and a busy node's costs a thread-local decrement per get and about 4,096 counted
/// samples per window (a lookup and a few heap steps each, under a lock held for nothing else). A burst that
/// brings four times that many to a window sampled for a quiet one ends it early.
/// </para>
/// <para>
/// Keys are ranked by the count they are sure to have (counter less overestimate), and only keys sure to have
/// more than 1/counters of the window's samples are shown: on a workload where no key stands out, the
/// counters hold whichever keys came last, and none of them is shown as hot.
/// </para>
/// <para>
/// Rates are those of the last complete window: once a window has lasted its length, the next counted get or
/// read ends it, its counts become rates per second of the time it really lasted, and counting starts again
/// from nothing, so a key that cools down leaves the list within two windows.
/// </para>
/// </remarks>
internal sealed class HotKeyTracker
{
    /// <summary>About how many gets a window counts, however busy the node: the tracker's work per window is bounded.</summary>
    public const int SamplesPerWindow = 4096;

    private readonly int _shown;
    private readonly bool _countEveryGet;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    // Gets left until this thread's next counted one. Per tracker, since each has its own rate. Never disposed:
    // a get of a disposed group still works, and the countdowns go when the group is collected.
    private readonly ThreadLocal<Countdown> _countdowns = new(() => new Countdown());

    // The min-heap of counters by count, and each key's counter; a counter knows its place in the heap, so
    // that moving it costs no lookup. Counters are reused, never allocated after the first window.
    private readonly Counter[] _heap;
    private readonly Dictionary<string, Counter> _counters;
    private int _size;

    private long _windowStarted;
    private long _samples;

    // One get in this many, on average, is counted this window; set when a window ends, from its rate.
    private volatile int _sampleEvery = 1;
    private IReadOnlyList<HotKeyRate> _last = [];

    /// <param name="shown">How many keys <see cref="HotKeys"/> gives at most.</param>
    /// <param name="time">The clock that ends windows.</param>
    /// <param name="window">How long one window of counts lasts; <see cref="CacheGroupOptions.HotKeyWindow"/> when null.</param>
    /// <param name="countEveryGet">Counts every get however many there are (for tests that need exact counts).</param>
    public HotKeyTracker(int shown, TimeProvider time, TimeSpan? window = null, bool countEveryGet = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shown, 1);
        _shown = shown;
        _countEveryGet = countEveryGet;
        _window = window ?? CacheGroupOptions.HotKeyWindow;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_window, TimeSpan.Zero, nameof(window));
        _time = time;

        // Eight counters per key shown, at least 64: any key with more than 1/counters of the samples is sure
        // to hold one, and the keys shown are counted closely.
        int counters = Math.Max(64, 8 * shown);
        _heap = new Counter[counters];
        _counters = new Dictionary<string, Counter>(counters, StringComparer.Ordinal);
        _windowStarted = time.GetTimestamp();
    }

    /// <summary>One get in how many, on average, this window counts; for tests.</summary>
    internal int SampleEvery => _sampleEvery;

    /// <summary>Counts a get of the key, if it falls in the sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(string key)
    {
        // Inlined into the get, so that a get outside the sample costs a thread-local decrement and no call.
        Countdown countdown = _countdowns.Value!;
        if (--countdown.Left <= 0)
        {
            RecordSample(key, countdown);
        }
    }

    /// <summary>The most requested keys of the last complete window, most requested first.</summary>
    public IReadOnlyList<HotKeyRate> HotKeys()
    {
        lock (_lock)
        {
            EndWindowIfDue();
            return _last;
        }
    }

    private void RecordSample(string key, Countdown countdown)
    {
        // A random gap of mean SampleEvery, so that no request pattern lines up with the sampling.
        int sampleEvery = _sampleEvery;
        countdown.Left = sampleEvery == 1 ? 1 : Random.Shared.Next(1, 2 * sampleEvery);
        lock (_lock)
        {
            EndWindowIfDue();
            Count(key);
            _samples++;
        }
    }

    private void EndWindowIfDue()
    {
        long now = _time.GetTimestamp();
        TimeSpan lasted = _time.GetElapsedTime(_windowStarted, now);
        bool burst = _samples >= 4 * SamplesPerWindow && lasted > TimeSpan.Zero;
        if (lasted < _window && !burst)
        {
            return;
        }

        // Ranked by the count each key is sure to have; shown only if that is above what Space-Saving can vouch for.
        Counter[] counters = _heap[.._size];
        Array.Sort(counters, static (a, b) => b.Guaranteed.CompareTo(a.Guaranteed));
        double vouched = (double)_samples / _heap.Length;
        double perSecond = _sampleEvery / lasted.TotalSeconds;
        var hot = new List<HotKeyRate>(_shown);
        foreach (Counter counter in counters)
        {
            if (hot.Count == _shown || counter.Guaranteed <= vouched)
            {
                break;
            }

            hot.Add(new HotKeyRate(counter.Key, counter.Count * perSecond, counter.Overestimate * perSecond));
        }

        _last = hot;
        if (!_countEveryGet)
        {
            // The gets a full window brings at this window's rate, over the samples a window should count.
            double getsPerWindow = _samples * perSecond * _window.TotalSeconds;
            _sampleEvery = (int)Math.Clamp(getsPerWindow / SamplesPerWindow, 1, int.MaxValue);
        }

        _counters.Clear();
        _size = 0;
        _samples = 0;
        _windowStarted = now;
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

    private sealed class Countdown
    {
        public int Left { get; set; }
    }

    private sealed class Counter
    {
        public string Key { get; private set; } = string.Empty;

        public long Count { get; set; }

        public long Overestimate { get; private set; }

        /// <summary>The samples this key is sure to have had: its count less what it may have taken over.</summary>
        public long Guaranteed => Count - Overestimate;

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
