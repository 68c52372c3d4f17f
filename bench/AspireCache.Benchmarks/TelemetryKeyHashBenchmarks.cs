using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace AspireCache.Benchmarks;

/// <summary>
/// What a traced get pays for the keyed hash its span carries (HMAC-SHA256, one keyed state per thread),
/// against the unkeyed XXH3 that spans carried before it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class TelemetryKeyHashBenchmarks
{
    private readonly TelemetryKeyHash _hash = new("benchmark-key-hash-secret-0123456789");
    private int _next;

    [Benchmark(Baseline = true)]
    public string XxHash3_Hex() => KeyHashes.XxHash3(Encoding.UTF8.GetBytes(Workload.Next(ref _next))).ToString("x16", CultureInfo.InvariantCulture);

    [Benchmark]
    public string TelemetryKeyHash_Of() => _hash.Of(Workload.Next(ref _next));
}
