using AspireCache.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/AspireCache.Benchmarks -- --filter '*'
// dotnet run -c Release --project bench/AspireCache.Benchmarks -- --memory
if (args is ["--memory"])
{
    MemoryFootprint.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
