using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/ManagedActors.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(ManagedActors.Benchmarks.CodecBenchmarks).Assembly).Run(args);
