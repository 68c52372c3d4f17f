using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace AspireCache.Client;

/// <summary>Carries a key in one URL path segment: percent-encoded UTF-8, decoded strictly.</summary>
/// <remarks>
/// Every character outside the URL's unreserved set is escaped, '/' and '%' included, so any key fits in
/// one segment. Decoding takes the raw, undecoded path: a server's own path decoding cannot tell an
/// escaped "%2F" in a key from a '/' between segments.
/// </remarks>
public static class CacheKeyPath
{
    private const int StackBufferBytes = 512;

    /// <summary>Encodes a key (or a group name) as one path segment.</summary>
    public static string Encode(string key) => Uri.EscapeDataString(key);

    /// <summary>Decodes a raw path segment; false for a malformed escape or bytes that are not UTF-8.</summary>
    public static bool TryDecode(ReadOnlySpan<char> segment, [NotNullWhen(true)] out string? key)
    {
        key = null;
        if (segment.IndexOf('%') < 0 && !segment.ContainsAnyExceptInRange('\0', '\u007F'))
        {
            key = segment.ToString();
            return true;
        }

        // Decoded UTF-8 never takes more bytes than the raw segment's chars need as UTF-8.
        int maxBytes = Encoding.UTF8.GetMaxByteCount(segment.Length);
        byte[]? rented = maxBytes > StackBufferBytes ? ArrayPool<byte>.Shared.Rent(maxBytes) : null;
        Span<byte> bytes = rented ?? stackalloc byte[StackBufferBytes];
        try
        {
            int length = 0;
            for (int i = 0; i < segment.Length; i++)
            {
                char c = segment[i];
                if (c == '%')
                {
                    if (i + 2 >= segment.Length || !IsHex(segment[i + 1]) || !IsHex(segment[i + 2]))
                    {
                        return false;
                    }

                    bytes[length++] = (byte)((HexValue(segment[i + 1]) << 4) | HexValue(segment[i + 2]));
                    i += 2;
                }
                else if (c < 0x80)
                {
                    bytes[length++] = (byte)c;
                }
                else
                {
                    // A server may hand over raw non-ASCII as chars; they travel as their UTF-8.
                    int run = i;
                    while (run < segment.Length && segment[run] >= 0x80)
                    {
                        run++;
                    }

                    if (Utf8.FromUtf16(segment[i..run], bytes[length..], out _, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
                    {
                        return false;
                    }

                    length += written;
                    i = run - 1;
                }
            }

            Span<byte> decoded = bytes[..length];
            if (!Utf8.IsValid(decoded))
            {
                return false;
            }

            key = Encoding.UTF8.GetString(decoded);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
