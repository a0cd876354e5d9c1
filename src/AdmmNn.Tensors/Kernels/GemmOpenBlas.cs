namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// The OpenBLAS backend: OpenBLAS runs single-threaded (its own busy-waiting thread pool fights the engine's workers on
/// two cores), and this class splits C into <see cref="Gemm.Threads"/> column or row blocks run by the same hand-off as
/// the managed kernel. The partition depends only on shape and thread count, so results repeat bit for bit.
/// </summary>
internal static unsafe class GemmOpenBlas
{
    public static void Multiply(int threads, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new GemmJob(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            bool splitN = n >= m;
            int parts = Math.Min(threads, Math.Max(1, (splitN ? n : m) / 16));
            if ((long)m * n * k < GemmManaged.DefaultParallelThreshold || parts < 2)
            {
                OpenBlasNative.Sgemm(in job, 0, m, 0, n);
                return;
            }

            GemmParallelCall.Run(in job, &RunPartition, parts, splitN);
        }
    }

    private static void RunPartition(in GemmJob job, int index, int parts, bool splitN)
    {
        // Block edges on multiples of 16 keep every part's columns/rows vector-aligned.
        int total = splitN ? job.N : job.M;
        int grains = (total + 15) / 16;
        int start = Math.Min(total, (int)((long)grains * index / parts) * 16);
        int end = Math.Min(total, (int)((long)grains * (index + 1) / parts) * 16);
        if (start >= end)
        {
            return;
        }

        if (splitN)
        {
            OpenBlasNative.Sgemm(in job, 0, job.M, start, end);
        }
        else
        {
            OpenBlasNative.Sgemm(in job, start, end, 0, job.N);
        }
    }
}
