using AdmmNn.Benchmarks;

return BenchmarkApp.Run(args);
