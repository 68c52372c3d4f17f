using System.Net;

namespace AspireCache.AspNetCore.Tests;

/// <summary>How long a source's value may be kept, by its Cache-Control and Age: the node is a shared cache.</summary>
public sealed class SourceLifetimeTests
{
    [Theory]
    [InlineData("max-age=30", null, 30_000)]
    [InlineData("public, max-age=30", null, 30_000)]
    [InlineData("max-age=30, s-maxage=5", null, 5_000)]
    [InlineData("s-maxage=50, max-age=5", null, 50_000)]
    [InlineData("max-age=30", "12", 18_000)]
    [InlineData("max-age=30", "45", 0)]
    [InlineData("no-store", null, 0)]
    [InlineData("no-cache", null, 0)]
    [InlineData("private, max-age=30", null, 0)]
    [InlineData("max-age=30, no-store", null, 0)]
    public void TheSourcesCacheControl_SetsTheLifetime(string cacheControl, string? age, int expectedMs)
    {
        using HttpResponseMessage response = Response(cacheControl, age);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), SourceLifetime.Of(response));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("public", null)]
    [InlineData("max-age=abc", null)]
    [InlineData("max-age=-5", null)]
    [InlineData("max-age=30 garbage ;;; =", null)]
    [InlineData(null, "12")]
    public void NoOrAnUnparseableCacheControl_LeavesTheGroupsLifetime(string? cacheControl, string? age)
    {
        using HttpResponseMessage response = Response(cacheControl, age);

        Assert.Null(SourceLifetime.Of(response));
    }

    [Fact]
    public void AnUnparseableAge_CountsAsNoAge()
    {
        using HttpResponseMessage response = Response("max-age=30", "soon");

        Assert.Equal(TimeSpan.FromSeconds(30), SourceLifetime.Of(response));
    }

    private static HttpResponseMessage Response(string? cacheControl, string? age)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK);
        if (cacheControl is not null)
        {
            response.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        }

        if (age is not null)
        {
            response.Headers.TryAddWithoutValidation("Age", age);
        }

        return response;
    }
}
