using Microsoft.AspNetCore.Http;

namespace AspireCache.AspNetCore.Tests;

/// <summary>The freshness headers of a client answer, on both sides of the range whose values are made once.</summary>
public sealed class ClientFreshnessTests
{
    [Theory]
    [InlineData(59.9, 3.5, "max-age=59", "3")]
    [InlineData(3600, 3600, "max-age=3600", "3600")]
    [InlineData(7200.5, 86_400, "max-age=7200", "86400")]
    public void TheHeaders_GiveWholeSeconds_RoundedDown(double ttlSeconds, double ageSeconds, string cacheControl, string age)
    {
        IHeaderDictionary headers = new HeaderDictionary();

        ClientFreshness.WriteHeaders(headers, new CacheResult(new byte[1], CacheSource.Hit) { TimeToLive = TimeSpan.FromSeconds(ttlSeconds), Age = TimeSpan.FromSeconds(ageSeconds) });
        ClientFreshness.WriteHeaders(headers, new CacheResult(new byte[1], CacheSource.Hit) { TimeToLive = TimeSpan.FromSeconds(ttlSeconds), Age = TimeSpan.FromSeconds(ageSeconds) });

        Assert.Equal(cacheControl, headers.CacheControl.ToString());
        Assert.Equal(age, headers.Age.ToString());
        Assert.False(headers.ContainsKey("X-Cache-Stale"));
    }

    [Fact]
    public void AStaleValue_IsAlreadyExpired_AndSaysSo()
    {
        IHeaderDictionary headers = new HeaderDictionary();

        ClientFreshness.WriteHeaders(headers, new CacheResult(new byte[1], CacheSource.Hit) { TimeToLive = TimeSpan.FromSeconds(-5), Age = TimeSpan.FromSeconds(65), IsStale = true });

        Assert.Equal("max-age=0", headers.CacheControl.ToString());
        Assert.Equal("65", headers.Age.ToString());
        Assert.Equal("true", headers["X-Cache-Stale"].ToString());
    }
}
