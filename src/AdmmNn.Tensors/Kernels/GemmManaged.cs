using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Packed, cache-blocked managed GEMM in the Goto/BLIS loop order: for each NC-wide panel of B and KC-deep slice,
/// B is packed into Nr-wide slivers (kept in L2/L3), each MC-tall block of A into Mr-tall slivers (kept in L2), and the
/// micro-kernel sweeps Mr×Nr tiles with the current B sliver resident in L1.
/// </summary>
/// <remarks>
/// Determinism: every C element is accumulated in the same order (KC slices in sequence, p ascending inside a slice)
/// whatever the thread count, because thread partitions are aligned to the Mr×Nr tile grid. So the result is bit-identical
/// for any <see cref="Gemm.Threads"/>. Update modes: 0 C = alpha·acc (first slice, beta = 0); 1 C = alpha·acc + beta·C
/// (first slice); 2 C = alpha·acc + C (later slices, or beta = 1).
/// </remarks>
internal static unsafe class GemmManaged
{
    /// <summary>Depth of one packed slice (KC). A Kc×Nr B sliver must sit comfortably in L1.</summary>
    internal static int Kc = 256;

    /// <summary>Target rows of one packed A block (MC, rounded to Mr); Mc×Kc floats sit in L2.</summary>
    internal static int Mc = 192;

    /// <summary>Columns of one packed B panel (NC, rounded to Nr).</summary>
    internal static int Nc = 2048;

    /// <summary>Read a non-transposed B in place when A fits one block (tuning switch; see RunPart).</summary>
    internal static bool ReadBInPlace = true;

    /// <summary>Below this many multiply-adds a call stays on one thread (thread hand-off costs more).</summary>
    internal const long DefaultParallelThreshold = 1L << 20;

    [ThreadStatic]
    private static GemmPackBuffers? buffers;

    public static void Multiply(GemmManagedKernel kernel, int threads, bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        long parallelThreshold = DefaultParallelThreshold)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new GemmJob(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            if (m <= GemmSkinny.MaxRows && kernel != GemmManagedKernel.Scalar)
            {
                GemmSkinny.Run(in job, threads, parallelThreshold);
                return;
            }

            if (kernel == GemmManagedKernel.Vector512 && GemmDotKernel.Applies(in job))
            {
                GemmDotKernel.Run(in job, threads, parallelThreshold);
                return;
            }

            switch (kernel)
            {
                case GemmManagedKernel.Vector512:
                    // The tile height that pads the fewest rows (the result does not depend on it: each element's
                    // arithmetic is the same in every kernel).
                    switch (Best512Rows(m))
                    {
                        case 10:
                            Run<GemmMicroKernel512x10>(in job, threads, parallelThreshold);
                            break;
                        case 8:
                            Run<GemmMicroKernel512x8>(in job, threads, parallelThreshold);
                            break;
                        default:
                            Run<GemmMicroKernel512>(in job, threads, parallelThreshold);
                            break;
                    }

                    break;
                case GemmManagedKernel.Vector256:
                    Run<GemmMicroKernel256>(in job, threads, parallelThreshold);
                    break;
                case GemmManagedKernel.Vector128:
                    Run<GemmMicroKernel128>(in job, threads, parallelThreshold);
                    break;
                default:
                    Run<GemmMicroKernelScalar>(in job, threads, parallelThreshold);
                    break;
            }
        }
    }

    /// <summary>12, 10 or 8: the AVX-512 tile height with the fewest padded rows for m (ties: the taller tile).</summary>
    internal static int Best512Rows(int m)
    {
        int best = 12;
        int bestWaste = Padding(m, 12);
        foreach (int rows in (ReadOnlySpan<int>)[10, 8])
        {
            int waste = Padding(m, rows);
            if (waste < bestWaste)
            {
                (best, bestWaste) = (rows, waste);
            }
        }

        return best;

        static int Padding(int m, int rows) => (m + rows - 1) / rows * rows - m;
    }

    private static void Run<TKernel>(in GemmJob job, int threads, long parallelThreshold)
        where TKernel : IGemmMicroKernel
    {
        long work = (long)job.M * job.N * job.K;
        int mTiles = (job.M + TKernel.Mr - 1) / TKernel.Mr;
        int nTiles = (job.N + TKernel.Nr - 1) / TKernel.Nr;

        // Split the dimension whose duplicated packing is cheaper: splitting N makes every part pack all of A (m·k),
        // splitting M makes every part pack all of B (k·n).
        bool splitN = job.M <= job.N ? nTiles >= 2 : mTiles < 2;
        int parts = Math.Min(threads, splitN ? nTiles : mTiles);
        if (work < parallelThreshold || parts < 2)
        {
            RunPart<TKernel>(in job, 0, job.M, 0, job.N);
            return;
        }

        GemmParallelCall.Run(in job, &RunPartition<TKernel>, parts, splitN);
    }

    /// <summary>Part <paramref name="index"/> of <paramref name="parts"/>, split along N or M on tile boundaries.</summary>
    private static void RunPartition<TKernel>(in GemmJob job, int index, int parts, bool splitN)
        where TKernel : IGemmMicroKernel
    {
        if (splitN)
        {
            int tiles = (job.N + TKernel.Nr - 1) / TKernel.Nr;
            int n0 = Math.Min(job.N, (int)((long)tiles * index / parts) * TKernel.Nr);
            int n1 = Math.Min(job.N, (int)((long)tiles * (index + 1) / parts) * TKernel.Nr);
            RunPart<TKernel>(in job, 0, job.M, n0, n1);
        }
        else
        {
            int tiles = (job.M + TKernel.Mr - 1) / TKernel.Mr;
            int m0 = Math.Min(job.M, (int)((long)tiles * index / parts) * TKernel.Mr);
            int m1 = Math.Min(job.M, (int)((long)tiles * (index + 1) / parts) * TKernel.Mr);
            RunPart<TKernel>(in job, m0, m1, 0, job.N);
        }
    }

    /// <summary>C[m0..m1, n0..n1] on the calling thread with its own packing buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart<TKernel>(in GemmJob job, int m0, int m1, int n0, int n1)
        where TKernel : IGemmMicroKernel
    {
        if (m0 >= m1 || n0 >= n1)
        {
            return;
        }

        int mr = TKernel.Mr, nr = TKernel.Nr;
        int kcMax = Kc;
        int mcMax = Math.Max(mr, Mc / mr * mr);
        int ncMax = Math.Max(nr, Nc / nr * nr);
        GemmPackBuffers pack = buffers ??= new GemmPackBuffers();
        float* packA = pack.A(mcMax * kcMax);
        float* packB = pack.B(ncMax * kcMax);
        float* tile = stackalloc float[mr * nr];

        for (int jc = n0; jc < n1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n1 - jc);
            for (int pc = 0; pc < job.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, job.K - pc);
                int mode = pc > 0 || job.Beta == 1f ? 2 : job.Beta == 0f ? 0 : 1;
                // When A fits one block, each B sliver is used by one sweep only: B stored k×n is then read in place
                // (its Nr-wide row pieces are contiguous already) instead of being copied; a ragged last sliver is packed.
                bool inPlace = !job.TransB && ReadBInPlace && m1 - m0 <= mcMax && kc >= 64;
                int packedFrom = inPlace ? nc / nr * nr : 0;
                if (packedFrom < nc)
                {
                    PackB(nr, kc, nc - packedFrom,
                        job.TransB ? job.B + (long)(jc + packedFrom) * job.Ldb + pc : job.B + (long)pc * job.Ldb + jc + packedFrom,
                        job.Ldb, job.TransB, packB);
                }

                for (int ic = m0; ic < m1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m1 - ic);
                    PackA(mr, mc, kc, job.TransA ? job.A + (long)pc * job.Lda + ic : job.A + (long)ic * job.Lda + pc, job.Lda, job.TransA, packA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        bool sliverInPlace = jr < packedFrom;
                        float* bSliver = sliverInPlace ? job.B + (long)pc * job.Ldb + jc + jr : packB + (long)(jr - packedFrom) * kc;
                        int bStride = sliverInPlace ? job.Ldb : nr;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* aSliver = packA + (long)ir * kc;
                            float* cTile = job.C + (long)(ic + ir) * job.Ldc + jc + jr;
                            if (cols == nr)
                            {
                                TKernel.Run(kc, aSliver, bSliver, bStride, cTile, job.Ldc, job.Alpha, job.Beta, mode, rows);
                            }
                            else
                            {
                                // Edge tile: full tile into scratch, then the same update arithmetic element by element.
                                TKernel.Run(kc, aSliver, bSliver, bStride, tile, nr, 1f, 0f, 0, mr);
                                for (int r = 0; r < rows; r++)
                                {
                                    for (int j = 0; j < cols; j++)
                                    {
                                        GemmMicroKernelScalar.Update(cTile + (long)r * job.Ldc + j, tile[r * nr + j], job.Alpha, job.Beta, mode);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>op(A)[mc×kc] into Mr-tall slivers: sliver s holds, for each p, rows s·Mr..s·Mr+Mr-1 (zero-padded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(int mr, int mc, int kc, float* src, int lda, bool trans, float* dst)
    {
        for (int i0 = 0; i0 < mc; i0 += mr)
        {
            int rows = Math.Min(mr, mc - i0);
            float* d = dst + (long)i0 * kc;
            if (!trans)
            {
                // Stored m×k: row r of the sliver is contiguous in the source. Groups of 4 rows × 4 steps are
                // transposed in registers; leftover rows and steps go element by element.
                int r = 0;
                if (Sse.IsSupported)
                {
                    for (; r + 4 <= rows; r += 4)
                    {
                        float* s0 = src + (long)(i0 + r) * lda;
                        float* s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
                        int p = 0;
                        for (; p + 4 <= kc; p += 4)
                        {
                            Vector128<float> t0 = Sse.UnpackLow(Sse.LoadVector128(s0 + p), Sse.LoadVector128(s1 + p));
                            Vector128<float> t1 = Sse.UnpackHigh(Sse.LoadVector128(s0 + p), Sse.LoadVector128(s1 + p));
                            Vector128<float> t2 = Sse.UnpackLow(Sse.LoadVector128(s2 + p), Sse.LoadVector128(s3 + p));
                            Vector128<float> t3 = Sse.UnpackHigh(Sse.LoadVector128(s2 + p), Sse.LoadVector128(s3 + p));
                            float* dp = d + p * mr + r;
                            Sse.Store(dp, Sse.MoveLowToHigh(t0, t2));
                            Sse.Store(dp + mr, Sse.MoveHighToLow(t2, t0));
                            Sse.Store(dp + 2 * mr, Sse.MoveLowToHigh(t1, t3));
                            Sse.Store(dp + 3 * mr, Sse.MoveHighToLow(t3, t1));
                        }

                        for (; p < kc; p++)
                        {
                            float* dp = d + p * mr + r;
                            dp[0] = s0[p];
                            dp[1] = s1[p];
                            dp[2] = s2[p];
                            dp[3] = s3[p];
                        }
                    }
                }

                for (; r < rows; r++)
                {
                    float* s = src + (long)(i0 + r) * lda;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * mr + r] = s[p];
                    }
                }

                for (int pad = rows; pad < mr; pad++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * mr + pad] = 0f;
                    }
                }
            }
            else
            {
                // Stored k×m: the Mr values for one p are contiguous in the source.
                for (int p = 0; p < kc; p++)
                {
                    float* s = src + (long)p * lda + i0;
                    float* dp = d + p * mr;
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        dp[r] = s[r];
                    }

                    for (; r < mr; r++)
                    {
                        dp[r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>op(B)[kc×nc] into Nr-wide slivers: sliver s holds, for each p, columns s·Nr..s·Nr+Nr-1 (zero-padded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(int nr, int kc, int nc, float* src, int ldb, bool trans, float* dst)
    {
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            float* d = dst + (long)j0 * kc;
            if (!trans)
            {
                // Stored k×n: each sliver row is a contiguous run of the source row.
                for (int p = 0; p < kc; p++)
                {
                    float* s = src + (long)p * ldb + j0;
                    float* dp = d + p * nr;
                    Unsafe.CopyBlockUnaligned(dp, s, (uint)cols * sizeof(float));
                    for (int j = cols; j < nr; j++)
                    {
                        dp[j] = 0f;
                    }
                }
            }
            else
            {
                // Stored n×k: column j of the sliver is a contiguous source row.
                for (int j = 0; j < cols; j++)
                {
                    float* s = src + (long)(j0 + j) * ldb;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr + j] = s[p];
                    }
                }

                for (int j = cols; j < nr; j++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr + j] = 0f;
                    }
                }
            }
        }
    }
}
