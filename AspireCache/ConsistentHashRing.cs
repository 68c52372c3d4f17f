using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace AspireCache;

/// <summary>Maps keys to member names by consistent hashing with virtual points on a 64-bit ring.</summary>
/// <remarks>
/// Each member gets <see cref="PointsPerMember"/> points, the hashes of "name#i"; a key belongs to the
/// member of the first point at or after the hash of its UTF-8 bytes, wrapping past the end. Changing the
/// membership builds a new immutable snapshot and swaps it in, so lookups never lock and never see a
/// half-built ring.
/// </remarks>
[DebuggerDisplay("{Members.Count} members, {PointsPerMember} points each")]
public sealed class ConsistentHashRing
{
    /// <summary>
    /// The default points per member. The spread of members' shares shrinks only with the square root
    /// of the point count: with 1024, three members measured within 8% of an equal share for every set of
    /// names we tried (512 let one set reach 11%), and lookups still take one short binary search.
    /// </summary>
    public const int DefaultPointsPerMember = 1024;

    // Keys up to this many UTF-8 bytes are hashed from the stack; longer ones from a pooled buffer.
    private const int StackBufferBytes = 1024;

    private readonly KeyHash _hash;
    private readonly Lock _writeLock = new();
    private volatile RingSnapshot _snapshot = RingSnapshot.Empty;

    /// <summary>Creates an empty ring.</summary>
    /// <param name="pointsPerMember">Virtual points per member; more points spread keys more evenly.</param>
    /// <param name="hash">The hash function; defaults to <see cref="KeyHashes.XxHash3"/>.</param>
    public ConsistentHashRing(int pointsPerMember = DefaultPointsPerMember, KeyHash? hash = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerMember, 1);
        PointsPerMember = pointsPerMember;
        _hash = hash ?? KeyHashes.XxHash3;
    }

    /// <summary>Virtual points per member.</summary>
    public int PointsPerMember { get; }

    /// <summary>The current members, sorted by name.</summary>
    public IReadOnlyList<string> Members => _snapshot.Members;

    /// <summary>Adds members; names already present are ignored.</summary>
    public void Add(params IEnumerable<string> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        lock (_writeLock)
        {
            Rebuild(_snapshot.Members.Union(members, StringComparer.Ordinal));
        }
    }

    /// <summary>Removes a member.</summary>
    /// <returns>True when it was a member.</returns>
    public bool Remove(string member)
    {
        lock (_writeLock)
        {
            if (!_snapshot.Members.Contains(member, StringComparer.Ordinal))
            {
                return false;
            }

            Rebuild(_snapshot.Members.Where(m => !string.Equals(m, member, StringComparison.Ordinal)));
            return true;
        }
    }

    /// <summary>Replaces the whole membership in one swap.</summary>
    public void SetMembers(IEnumerable<string> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        lock (_writeLock)
        {
            Rebuild(members.Distinct(StringComparer.Ordinal));
        }
    }

    /// <summary>The member that owns a key, or null when the ring is empty.</summary>
    public string? GetOwner(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int maxBytes = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (maxBytes <= StackBufferBytes)
        {
            Span<byte> buffer = stackalloc byte[StackBufferBytes];
            int written = Encoding.UTF8.GetBytes(key, buffer);
            return GetOwner(buffer[..written]);
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            int written = Encoding.UTF8.GetBytes(key, rented);
            return GetOwner(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The member that owns a key given as UTF-8 bytes, or null when the ring is empty.</summary>
    public string? GetOwner(ReadOnlySpan<byte> keyUtf8)
    {
        RingSnapshot snapshot = _snapshot;
        if (snapshot.Points.Length == 0)
        {
            return null;
        }

        int index = snapshot.Points.AsSpan().BinarySearch(_hash(keyUtf8));
        if (index < 0)
        {
            index = ~index; // The first point after the hash...
            if (index == snapshot.Points.Length)
            {
                index = 0; // ...wrapping around the end of the ring.
            }
        }

        return snapshot.Owners[index];
    }

    /// <summary>
    /// The share of the hash space that <paramref name="member"/> owns, 0 to 1: the share of uniformly hashed
    /// keys it would own. Each point owns the arc from the point before it (exclusive) up to itself.
    /// </summary>
    public double ShareOf(string member)
    {
        RingSnapshot snapshot = _snapshot;
        ulong[] points = snapshot.Points;
        if (points.Length == 0)
        {
            return 0;
        }

        double owned = 0;
        for (int i = 0; i < points.Length; i++)
        {
            if (string.Equals(snapshot.Owners[i], member, StringComparison.Ordinal))
            {
                // The first point also owns the wrap-around arc past the last one; unsigned arithmetic wraps for it.
                ulong arc = i == 0 ? points[0] - points[^1] : points[i] - points[i - 1];
                owned += arc;
            }
        }

        // A single point owns the whole ring, whose arc computes as 0.
        return points.Length == 1 ? 1 : owned / Math.Pow(2, 64);
    }

    /// <summary>A new ring with the same points and hash as this one, holding <paramref name="members"/>.</summary>
    internal ConsistentHashRing WithMembers(IEnumerable<string> members)
    {
        var ring = new ConsistentHashRing(PointsPerMember, _hash);
        ring.SetMembers(members);
        return ring;
    }

    private void Rebuild(IEnumerable<string> members)
    {
        string[] sortedMembers = [.. members.Order(StringComparer.Ordinal)];
        var points = new (ulong Hash, string Member)[sortedMembers.Length * PointsPerMember];
        int next = 0;
        foreach (string member in sortedMembers)
        {
            ArgumentException.ThrowIfNullOrEmpty(member, nameof(members));
            for (int i = 0; i < PointsPerMember; i++)
            {
                points[next++] = (_hash(Encoding.UTF8.GetBytes($"{member}#{i}")), member);
            }
        }

        // Ties between members are broken by name, so every node builds the same ring.
        Array.Sort(points, static (a, b) => a.Hash != b.Hash
            ? a.Hash.CompareTo(b.Hash)
            : string.CompareOrdinal(a.Member, b.Member));

        _snapshot = new RingSnapshot(
            [.. points.Select(p => p.Hash)],
            [.. points.Select(p => p.Member)],
            sortedMembers);
    }

    private sealed class RingSnapshot(ulong[] points, string[] owners, string[] members)
    {
        public static readonly RingSnapshot Empty = new([], [], []);

        public ulong[] Points { get; } = points;

        public string[] Owners { get; } = owners;

        public IReadOnlyList<string> Members { get; } = members;
    }
}
