using System.IO.Hashing;
using System.Text;

namespace DemoBackend;

/// <summary>The value of a key: bytes that depend on the key alone, the same on every start and machine.</summary>
public static class DemoValues
{
    /// <summary>Fills a value of <paramref name="length"/> bytes for <paramref name="key"/>.</summary>
    public static byte[] For(string key, int length)
    {
        var value = new byte[length];
        ulong state = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(key));
        Span<byte> word = stackalloc byte[sizeof(ulong)];
        for (int i = 0; i < length; i += sizeof(ulong))
        {
            // SplitMix64: a cheap generator whose whole stream follows from the seed.
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            BitConverter.TryWriteBytes(word, z);
            word[..Math.Min(sizeof(ulong), length - i)].CopyTo(value.AsSpan(i));
        }

        return value;
    }
}
