using System.Runtime.CompilerServices;

// GEMM tests drive each backend, kernel and thread count directly instead of flipping the global Gemm settings,
// which other tests running in parallel rely on.
[assembly: InternalsVisibleTo("AdmmNn.Tensors.Tests")]
[assembly: InternalsVisibleTo("AdmmNn.Benchmarks")]
