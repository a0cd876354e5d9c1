using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Benchmarks.GemmSpeed;

/// <summary>GFLOP/s of <see cref="Gemm.Multiply"/> per backend and thread count on the shapes that matter.</summary>
public static class GemmBenchmark
{
    /// <summary>
    /// (label, transA, transB, m, n, k): the platform-notes shapes, then the GEMMs one LeNet-5 training step at batch 64
    /// actually runs (the engine works on chunks of 4 images for conv1 and 16 for conv2), then batch-1 inference.
    /// </summary>
    private static readonly (string Label, bool TransA, bool TransB, int M, int N, int K)[] Shapes =
    [
        ("platform 500x64x800", false, false, 500, 64, 800),
        ("platform 50x4096x500", false, false, 50, 4096, 500),
        ("platform 1024^3", false, false, 1024, 1024, 1024),
        ("conv1 fwd 20x2304x25", false, false, 20, 2304, 25),
        ("conv1 dW 20x25x2304 (B^T)", false, true, 20, 25, 2304),
        ("conv2 fwd 50x1024x500", false, false, 50, 1024, 500),
        ("conv2 dW 50x500x1024 (B^T)", false, true, 50, 500, 1024),
        ("conv2 dX 500x1024x50 (A^T)", true, false, 500, 1024, 50),
        ("fc1 fwd 64x500x800 (B^T)", false, true, 64, 500, 800),
        ("fc1 dX 64x800x500", false, false, 64, 800, 500),
        ("fc1 dW 500x800x64 (A^T)", true, false, 500, 800, 64),
        ("batch-1 conv2 50x64x500", false, false, 50, 64, 500),
        ("batch-1 fc1 1x500x800 (B^T)", false, true, 1, 500, 800),
    ];

    public static void Run(TextWriter output, bool quick)
    {
        output.WriteLine($"GEMM benchmark  {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC  cores={Environment.ProcessorCount}  managed kernel={Gemm.ManagedKernel}");
        output.WriteLine($"OpenBLAS: {(Gemm.IsOpenBlasAvailable ? Gemm.OpenBlasDescription : "not available")}" +
            $"  OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(set natively by AdmmNn when AVX-512)"}");
        output.WriteLine("GFLOP/s, median (best) of 5 rounds");
        var backends = new List<GemmBackend> { GemmBackend.Managed };
        if (Gemm.IsOpenBlasAvailable)
        {
            backends.Add(GemmBackend.OpenBlas);
        }

        output.WriteLine($"{"shape",-40} {"managed 1t",14} {"managed 2t",14} {"openblas 1t",14} {"openblas 2t",14}");
        var perCpuSecond = new List<double>();
        var cpuRows = new List<(string Label, double[] Values)>();
        GemmBackend original = Gemm.Backend;
        int originalThreads = Gemm.Threads;
        try
        {
            foreach (var shape in Shapes)
            {
                output.Write($"{shape.Label,-40}");
                var rng = new Random(1);
                float[] a = Random(rng, shape.M * shape.K);
                float[] b = Random(rng, shape.K * shape.N);
                float[] c = new float[shape.M * shape.N];
                int lda = shape.TransA ? shape.M : shape.K;
                int ldb = shape.TransB ? shape.K : shape.N;
                double flops = 2.0 * shape.M * shape.N * shape.K;
                foreach (GemmBackend backend in backends)
                {
                    foreach (int threads in new[] { 1, 2 })
                    {
                        Gemm.Backend = backend;
                        Gemm.Threads = threads;
                        var timing = Measurement.Time(
                            () => Gemm.Multiply(shape.TransA, shape.TransB, shape.M, shape.N, shape.K, 1f, a, lda, b, ldb, 0f, c, shape.N),
                            rounds: quick ? 3 : 5, roundSeconds: quick ? 0.05 : 0.2);
                        output.Write($" {flops / timing.Median / 1e9,6:F1} ({flops / timing.Best / 1e9,5:F1})");
                        perCpuSecond.Add(flops / timing.CpuPerCall / 1e9);
                    }
                }

                output.WriteLine();
                cpuRows.Add((shape.Label, perCpuSecond.ToArray()));
                perCpuSecond.Clear();
            }

            // Wall-clock figures drop when other processes share the cores; work per CPU-second does much less.
            output.WriteLine();
            output.WriteLine("GFLOP per process CPU-second (per-core efficiency; for 2 threads includes hand-off and spin-waiting)");
            foreach (var (label, values) in cpuRows)
            {
                output.WriteLine($"{label,-40}" + string.Concat(values.Select(v => $" {v,14:F1}")));
            }
        }
        finally
        {
            Gemm.Backend = original;
            Gemm.Threads = originalThreads;
        }
    }

    private static float[] Random(Random rng, int length)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return data;
    }
}
