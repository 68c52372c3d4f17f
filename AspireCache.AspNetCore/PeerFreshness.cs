using System.Globalization;
using System.Text;
using AspireCache.Client;

namespace AspireCache.AspNetCore;

/// <summary>
/// A value's freshness between nodes: its remaining lifetime, age and staleness, so that an asking node's
/// hot copy never outlives the owner's value. Carried in headers on a direct <c>/_peer</c> answer, and in
/// a text line of a deferred one (<see cref="PeerAnswer"/>), whose headers left before the load ended.
/// </summary>
/// <remarks>
/// Whole milliseconds, rounded down: a copy may expire a little early, never late. A value that never
/// expires carries nothing, so a hit of a group without a time to live costs no extra header.
/// </remarks>
internal static class PeerFreshness
{
    /// <summary>The longest freshness line of a deferred answer, its end included.</summary>
    public const int MaxLineBytes = 128;

    /// <summary>Sets the freshness headers of a direct answer.</summary>
    public static void WriteHeaders(IHeaderDictionary headers, in CacheResult result)
    {
        if (result.TimeToLive is not TimeSpan ttl)
        {
            return;
        }

        headers[PeerProtocol.TtlHeader] = Milliseconds(ttl);
        headers[PeerProtocol.AgeHeader] = Milliseconds(result.Age);
        if (result.IsStale)
        {
            headers[CacheHttpProtocol.StaleHeader] = "true";
        }
    }

    /// <summary>The value of a direct answer with the freshness its headers give.</summary>
    /// <exception cref="InvalidDataException">A header is not a whole number of milliseconds.</exception>
    public static CacheResult ReadHeaders(HttpResponseMessage response, ReadOnlyMemory<byte> value)
    {
        if (!response.Headers.TryGetValues(PeerProtocol.TtlHeader, out IEnumerable<string>? ttls))
        {
            return new CacheResult(value, CacheSource.Peer);
        }

        string? age = response.Headers.TryGetValues(PeerProtocol.AgeHeader, out IEnumerable<string>? ages) ? ages.FirstOrDefault() : null;
        string? stale = response.Headers.TryGetValues(CacheHttpProtocol.StaleHeader, out IEnumerable<string>? stales) ? stales.FirstOrDefault() : null;
        return new CacheResult(value, CacheSource.Peer)
        {
            TimeToLive = ParseMilliseconds(ttls.FirstOrDefault()),
            Age = age is null ? TimeSpan.Zero : ParseMilliseconds(age),
            IsStale = string.Equals(stale, "true", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>
    /// The line of a deferred value: space-separated <c>name=value</c> fields and a newline, e.g.
    /// <c> ttl=59000 age=1000 stale=true\n</c>; <c>ttl</c> is left out for a value that never expires,
    /// <c>stale</c> for a fresh one, so such a value's line is a lone newline.
    /// </summary>
    public static byte[] Line(in CacheResult result)
    {
        var line = new StringBuilder();
        if (result.TimeToLive is TimeSpan ttl)
        {
            line.Append(" ttl=").Append(Milliseconds(ttl)).Append(" age=").Append(Milliseconds(result.Age));
        }

        if (result.IsStale)
        {
            line.Append(" stale=true");
        }

        return Encoding.ASCII.GetBytes(line.Append('\n').ToString());
    }

    /// <summary>Reads a deferred value's line and the value after it.</summary>
    /// <exception cref="InvalidDataException">The line is missing, too long or malformed.</exception>
    public static CacheResult ReadLine(ReadOnlyMemory<byte> body)
    {
        int end = body.Span[..Math.Min(body.Length, MaxLineBytes)].IndexOf((byte)'\n');
        if (end < 0)
        {
            throw new InvalidDataException("A deferred value has no freshness line.");
        }

        var result = new CacheResult(body[(end + 1)..], CacheSource.Peer);
        string line = Encoding.ASCII.GetString(body.Span[..end]);
        foreach (string field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = field.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? field : field[..equals];
            string value = equals < 0 ? string.Empty : field[(equals + 1)..];

            // Fields this node does not know are skipped, so that a later version can add some.
            result = name switch
            {
                "ttl" => result with { TimeToLive = ParseMilliseconds(value) },
                "age" => result with { Age = ParseMilliseconds(value) },
                "stale" => result with { IsStale = value == "true" },
                _ => result,
            };
        }

        return result;
    }

    private static string Milliseconds(TimeSpan span) =>
        (span.Ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture);

    private static TimeSpan ParseMilliseconds(string? text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ms) && Math.Abs(ms) <= (long)TimeSpan.MaxValue.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(ms)
            : throw new InvalidDataException($"'{text}' is not a whole number of milliseconds.");
}
