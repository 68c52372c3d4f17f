namespace AspireCache.Client.Tests;

public class CacheKeyPathTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("a/b")]
    [InlineData("%2F")]
    [InlineData("100% sure")]
    [InlineData("ключ/é/😀")]
    [InlineData("?#&=+;")]
    public void Encode_ThenDecode_RoundTrips_InOneSegment(string key)
    {
        string encoded = CacheKeyPath.Encode(key);

        Assert.DoesNotContain('/', encoded);
        Assert.True(CacheKeyPath.TryDecode(encoded, out string? decoded));
        Assert.Equal(key, decoded);
    }

    [Theory]
    [InlineData("%")]
    [InlineData("abc%2")]
    [InlineData("%zz")]
    [InlineData("%FF")]        // not UTF-8
    [InlineData("%C3")]        // truncated UTF-8
    [InlineData("%ED%A0%80")]  // an encoded surrogate
    public void TryDecode_MalformedSegments_AreRejected(string segment)
    {
        Assert.False(CacheKeyPath.TryDecode(segment, out _));
    }

    [Fact]
    public void TryDecode_RawNonAscii_IsTakenAsItsUtf8()
    {
        Assert.True(CacheKeyPath.TryDecode("ключ%201", out string? key));
        Assert.Equal("ключ 1", key);
    }

    [Fact]
    public void TryDecode_ALongSegment_UsesAPooledBuffer()
    {
        string key = new('é', 3_000);

        Assert.True(CacheKeyPath.TryDecode(CacheKeyPath.Encode(key), out string? decoded));
        Assert.Equal(key, decoded);
    }
}
