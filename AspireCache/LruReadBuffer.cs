using System.Numerics;
using System.Runtime.InteropServices;

namespace AspireCache;

/// <summary>
/// Hits recorded by readers without a lock, for the <see cref="LruStore"/> to apply to its recency list
/// under its lock, in batches.
/// </summary>
/// <remarks>
/// Readers are spread over stripes by thread, so a thread always writes to the same stripe and its own
/// hits are applied in the order it made them. A full stripe drops further hits until it is drained:
/// a dropped hit only means one entry misses one move to the front. The design follows the read
/// buffers of Caffeine and BitFaster.Caching.
/// </remarks>
internal sealed class LruReadBuffer
{
    private const int SlotsPerStripe = 64; // A power of two.
    private const int SlotMask = SlotsPerStripe - 1;

    private readonly Stripe[] _stripes;
    private readonly int _stripeMask;

    public LruReadBuffer()
    {
        int stripes = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount * 2, 2, 64));
        _stripes = new Stripe[stripes];
        for (int i = 0; i < stripes; i++)
        {
            _stripes[i] = new Stripe();
        }

        _stripeMask = stripes - 1;
    }

    /// <summary>Records a hit on <paramref name="entry"/>.</summary>
    /// <returns>True when the caller's stripe is full and should be drained.</returns>
    public bool Record(LruEntry entry) => _stripes[Environment.CurrentManagedThreadId & _stripeMask].Record(entry);

    /// <summary>Hands every recorded hit to <paramref name="apply"/>; the caller holds the store's lock.</summary>
    public void Drain<TState>(TState state, Action<TState, LruEntry> apply)
    {
        foreach (Stripe stripe in _stripes)
        {
            stripe.Drain(state, apply);
        }
    }

    private sealed class Stripe
    {
        private readonly LruEntry?[] _slots = new LruEntry?[SlotsPerStripe];
        private PaddedCounters _counters;

        public bool Record(LruEntry entry)
        {
            int drained = Volatile.Read(ref _counters.Drained);
            int index = Interlocked.Increment(ref _counters.Claimed) - 1;
            int pending = index - drained;
            if (pending >= SlotsPerStripe)
            {
                return true;
            }

            Volatile.Write(ref _slots[index & SlotMask], entry);
            return pending == SlotsPerStripe - 1;
        }

        public void Drain<TState>(TState state, Action<TState, LruEntry> apply)
        {
            int claimed = Volatile.Read(ref _counters.Claimed);
            int pending = Math.Min(claimed - _counters.Drained, SlotsPerStripe);
            for (int i = 0; i < pending; i++)
            {
                // A slot still null was claimed by a reader that has not written it yet: its hit is lost.
                LruEntry? entry = Interlocked.Exchange(ref _slots[(_counters.Drained + i) & SlotMask], null);
                if (entry is not null)
                {
                    apply(state, entry);
                }
            }

            Volatile.Write(ref _counters.Drained, claimed);
        }
    }

    /// <summary>A stripe's counters, a cache line away from anything else, so that readers on different stripes never contend.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct PaddedCounters
    {
        [FieldOffset(64)]
        public int Claimed; // Slots claimed by readers, ever; wraps, and only differences are used.

        [FieldOffset(128)]
        public int Drained; // Written only by the drainer, under the store's lock.
    }
}
