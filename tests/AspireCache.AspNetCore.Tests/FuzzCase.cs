using System.Text;
using AspireCache.Client;

namespace AspireCache.AspNetCore.Tests;

/// <summary>One generated request. <see cref="Target"/> is the request target as written (it may hold non-ASCII).</summary>
internal sealed record FuzzCase(
    string Method,
    string Target,
    string? Authorization,
    byte[]? Body,
    bool RawOnly,
    byte[]? RawRequest = null)
{
    /// <summary>The case for a failure message: its target printable, and cut short when long.</summary>
    public string Describe()
    {
        string target = RawRequest is not null ? Encoding.Latin1.GetString(RawRequest) : Target;
        string auth = Authorization is null ? "no auth" : Authorization.Length > 40 ? $"auth {Authorization[..40]}…" : $"auth '{Authorization}'";
        return $"{Method} {Printable(target)} [{auth}{(Body is null ? string.Empty : $", {Body.Length}-byte body")}{(RawOnly ? ", raw" : string.Empty)}]";
    }

    /// <summary>Text for a failure message: escaped where not printable ASCII, and cut short when long.</summary>
    public static string Printable(string text)
    {
        var printable = new StringBuilder();
        foreach (char c in text.Length > 160 ? text[..160] : text)
        {
            printable.Append(c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        if (text.Length > 160)
        {
            printable.Append($"…({text.Length} chars)");
        }

        return printable.ToString();
    }
}

/// <summary>Deterministic generator of hostile requests to <c>/cache</c> and <c>/_peer</c>.</summary>
internal sealed class FuzzCaseGenerator(int seed)
{
    private static readonly string[] MalformedEscapes = ["%", "%4", "%zz", "%%", "%G1", "%4g", "%%41", "%-1", "%\u00e9"];

    private static readonly string[] BadUtf8 =
    [
        "%ED%A0%80", "%ED%BF%BF", "%ED%A0%80%ED%B0%80", "%C0%AF", "%C1%BF", "%E0%80%AF", "%F0%80%80%AF",
        "%F4%90%80%80", "%F8%88%80%80%80", "%FF", "%FE", "%80", "%C3", "%E2%82", "%F0%9F%98",
    ];

    private static readonly string[] Unicode =
    [
        "😀", "👩‍👩‍👧‍👦", "e\u0301", "\u0301", "\u202Eabc\u202C", "مرحبا", "שלום", "日本語", "\u200B", "\uFEFF", "ß", "İ", "\u00A0",
        "\uFFFD", "\uFFFF", "\U0010FFFF", "ключ",
    ];

    private static readonly string[] Structural =
    [
        "/", "%2F", "%2f", "..", ".", "%2E%2E", "%2e", "/../", "/./", "//", "\\", "%5C", " ", "%20", "+", "?", "#", "?x=1", "#frag",
        "%3F", "%23", "%25", "%00", "%0D%0A", ";", ":", "@", "&=", "~", "*", "'", "\"", "<>", "{}", "|", "^", "`",
    ];

    private static readonly string[] Groups =
    [
        "demo", "demo", "demo", "demo", "demo", "demo", "%64emo", "%64%65%6D%6F", "DEMO", "Demo", "unknown", "", "demo%00", "de%2Fmo",
        "demo%20", "%", "%zz", "%ED%A0%80", "😀", "demo;x", "..", ".", "%2E%2E", "demo.", "d e m o", "_peer", "cache",
    ];

    private readonly Random _random = new(seed);

    public FuzzCase Next()
    {
        int kind = _random.Next(100);
        string prefix = _random.Next(40) switch
        {
            0 => "/cache",
            1 => "/_peer",
            2 => "/CACHE/",
            3 => "/_PEER/",
            4 => "//cache/",
            5 => "/c%61che/",
            6 => "/cache/../_peer/",
            7 => "/_peer/../cache/",
            _ => _random.Next(2) == 0 ? "/cache/" : "/_peer/",
        };
        bool peer = prefix.Contains("peer", StringComparison.OrdinalIgnoreCase);
        string group = _random.Next(10) switch
        {
            < 6 => CacheNodeFactory.Group,
            < 8 => Groups[_random.Next(Groups.Length)],
            _ => Segment(maxPieces: 3),
        };
        string key = kind switch
        {
            < 3 => "error-" + Segment(maxPieces: 2),
            < 5 => LongKey(),
            < 35 => CacheKeyPath.Encode(RandomText(_random.Next(1, 60))), // valid, as a client encodes it
            _ => Segment(maxPieces: 8),
        };
        string target = _random.Next(30) == 0 ? prefix + group : $"{prefix}{group}/{key}";

        string method = kind switch
        {
            >= 90 and < 92 => "POST",
            >= 92 and < 94 => "PUT",
            >= 94 and < 96 => "DELETE",
            >= 96 and < 98 => "HEAD",
            98 => "PATCH",
            99 => "OPTIONS",
            _ => "GET",
        };
        byte[]? body = method is "POST" or "PUT" or "PATCH" || _random.Next(25) == 0 ? RandomBytes(_random.Next(0, 2048)) : null;

        string? authorization = null;
        if (peer || _random.Next(10) == 0)
        {
            authorization = _random.Next(12) switch
            {
                < 5 => $"Bearer {CacheNodeFactory.PeerSecretValue}",
                5 => $"bearer {CacheNodeFactory.PeerSecretValue}",
                6 => $"Bearer  {CacheNodeFactory.PeerSecretValue}  ",
                7 => "Bearer wrong-secret",
                8 => "Bearer",
                9 => "Basic dXNlcjpwYXNz",
                10 => "Bearer " + new string('x', _random.Next(1, 4096)),
                _ => null,
            };
        }

        // One case in eight goes on the wire exactly as written, with raw non-ASCII, spaces and '#';
        // the others escape what no client puts in a request line, so that they reach the node's handlers.
        bool raw = _random.Next(8) == 0;
        return new FuzzCase(method, raw ? target : ClientEscaped(target), authorization, body, RawOnly: raw);
    }

    private string Segment(int maxPieces)
    {
        var segment = new StringBuilder();
        int pieces = _random.Next(0, maxPieces + 1);
        for (int i = 0; i < pieces; i++)
        {
            switch (_random.Next(12))
            {
                case 0:
                case 1:
                case 2:
                    segment.Append(Unreserved(_random.Next(1, 12)));
                    break;
                case 3:
                    segment.Append(PercentEncoded(RandomBytes(_random.Next(1, 12))));
                    break;
                case 4:
                    segment.Append(PercentEncoded(Encoding.UTF8.GetBytes(RandomText(_random.Next(1, 6)))));
                    break;
                case 5:
                    segment.Append(MalformedEscapes[_random.Next(MalformedEscapes.Length)]);
                    break;
                case 6:
                    segment.Append(BadUtf8[_random.Next(BadUtf8.Length)]);
                    break;
                case 7:
                case 8:
                    segment.Append(Unicode[_random.Next(Unicode.Length)]);
                    break;
                default:
                    segment.Append(Structural[_random.Next(Structural.Length)]);
                    break;
            }
        }

        return segment.ToString();
    }

    // Around the group's 250-byte limit, and far beyond it (up to ~20 KB).
    private string LongKey() => _random.Next(4) switch
    {
        0 => Unreserved(_random.Next(240, 260)),
        1 => PercentEncoded(Encoding.UTF8.GetBytes(new string('é', _random.Next(120, 130)))),
        2 => Unreserved(_random.Next(1_000, 20_000)),
        _ => PercentEncoded(RandomBytes(_random.Next(1_000, 6_500))),
    };

    private string Unreserved(int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
        return string.Create(length, _random, (span, random) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[random.Next(Alphabet.Length)];
            }
        });
    }

    private string RandomText(int length)
    {
        var text = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            int codePoint = _random.Next(3) switch
            {
                0 => _random.Next(0x20, 0x7F),
                1 => _random.Next(0x80, 0xD800),
                _ => _random.Next(0x10000, 0x110000),
            };
            text.Append(char.ConvertFromUtf32(codePoint));
        }

        return text.ToString();
    }

    private byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private static string ClientEscaped(string target)
    {
        var escaped = new StringBuilder(target.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (Rune rune in target.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7F && rune.Value is not ('#' or '\\' or '"' or '<' or '>' or '{' or '}' or '|' or '^' or '`'))
            {
                escaped.Append((char)rune.Value);
            }
            else
            {
                escaped.Append(PercentEncoded(utf8[..rune.EncodeToUtf8(utf8)].ToArray()));
            }
        }

        return escaped.ToString();
    }

    private static string PercentEncoded(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 3);
        foreach (byte b in bytes)
        {
            text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
