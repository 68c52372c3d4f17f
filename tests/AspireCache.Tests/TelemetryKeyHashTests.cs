namespace AspireCache.Tests;

/// <summary>The keyed hash telemetry shows instead of keys: HMAC-SHA256 under the cluster's secret, first 8 bytes in hex.</summary>
public sealed class TelemetryKeyHashTests
{
    private const string Secret = "telemetry-key-hash-secret-0123";

    // The expected values come from Python's hmac module, not from this code:
    // hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()[:16]
    [Theory]
    [InlineData("user:42", "c30122e8f2e80ea1")]
    [InlineData("clé-ü", "34842236f5935f6d")]
    public void Of_IsTheHmacSha256OfTheKeysUtf8_UnderTheSecret_InHex(string key, string expected) =>
        Assert.Equal(expected, new TelemetryKeyHash(Secret).Of(key));

    [Fact]
    public void Of_AKeyLongerThanTheStackBuffer_IsHashedWhole() =>
        Assert.Equal("8752c3c1f272d071", new TelemetryKeyHash(Secret).Of(new string('k', 1000)));

    [Fact]
    public void AnotherSecret_GivesAnotherHash_SoAHashCannotBeFoundByHashingGuessesWithoutIt()
    {
        Assert.Equal("e968bfc09877a508", new TelemetryKeyHash("another-key-hash-secret-0123456").Of("user:42"));
        Assert.NotEqual(new TelemetryKeyHash(Secret).Of("user:42"), new TelemetryKeyHash("another-key-hash-secret-0123456").Of("user:42"));
    }

    [Fact]
    public void ASecretShorterThan16Characters_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new TelemetryKeyHash("too-short"));
        Assert.Throws<ArgumentException>(() => new CacheGroupOptions { KeyHashSecret = "too-short" }.Validate());
    }
}
