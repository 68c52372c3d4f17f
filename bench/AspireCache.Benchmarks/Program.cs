using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/AspireCache.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
