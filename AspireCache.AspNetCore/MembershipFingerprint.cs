using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace AspireCache.AspNetCore;

/// <summary>
/// A short identity of a member set, the same on every node that has the same members in any order: the
/// low 52 bits of XXH3 over the sorted, distinct names, each followed by a zero byte (so that "ab","c" and
/// "a","bc" differ). 52 bits fit a double exactly, so a gauge carries it and dashboards can compare nodes;
/// as text it is 13 hex digits.
/// </summary>
internal readonly record struct MembershipFingerprint(ulong Value)
{
    private const ulong Low52Bits = (1UL << 52) - 1;

    /// <summary>The fingerprint of <paramref name="members"/>.</summary>
    public static MembershipFingerprint Of(IEnumerable<string> members)
    {
        var hash = new XxHash3();
        foreach (string member in members.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            hash.Append(Encoding.UTF8.GetBytes(member));
            hash.Append([0]);
        }

        return new MembershipFingerprint(hash.GetCurrentHashAsUInt64() & Low52Bits);
    }

    /// <summary>The value a gauge carries: exact, since it has 52 bits.</summary>
    public double AsNumber => Value;

    /// <summary>Reads what <see cref="ToString"/> wrote; false for anything else.</summary>
    public static bool TryParse(string? text, out MembershipFingerprint fingerprint)
    {
        if (text is { Length: 13 } && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value))
        {
            fingerprint = new MembershipFingerprint(value);
            return true;
        }

        fingerprint = default;
        return false;
    }

    /// <summary>13 lowercase hex digits.</summary>
    public override string ToString() => Value.ToString("x13", CultureInfo.InvariantCulture);
}
