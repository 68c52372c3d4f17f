using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DemoBackend.Tests;

/// <summary>PUT /data/{key} on the real backend, on Kestrel over loopback: 507 once the changed values hold DemoBackend:MaxOverrideBytes.</summary>
public sealed class ValueOverridesHttpTests : IDisposable
{
    private readonly WebApplicationFactory<Program> _backend;

    public ValueOverridesHttpTests()
    {
        _backend = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("DemoBackend:MaxOverrideBytes", "3000000");
            builder.UseSetting("DemoBackend:Delay", "00:00:00");
        });
        _backend.UseKestrel(0);
        _backend.StartServer();
    }

    public void Dispose() => _backend.Dispose();

    [Fact]
    public async Task Put_PastTheTotalBytes_Answers507_AndTheKeyKeepsItsGeneratedValue()
    {
        CancellationToken token = TestContext.Current.CancellationToken;
        using HttpClient client = _backend.CreateClient();
        byte[] value = new byte[ValueOverrides.MaxValueBytes];
        Array.Fill(value, (byte)'x');

        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("/data/one", new ByteArrayContent(value), token)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync("/data/two", new ByteArrayContent(value), token)).StatusCode);
        using HttpResponseMessage refused = await client.PutAsync("/data/three", new ByteArrayContent(value), token);

        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
        Assert.Contains("MaxOverrideBytes", await refused.Content.ReadAsStringAsync(token), StringComparison.Ordinal);
        Assert.NotEqual(value, await client.GetByteArrayAsync("/data/three", token));
        Assert.Equal(value, await client.GetByteArrayAsync("/data/two", token));
    }
}
