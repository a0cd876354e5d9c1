using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// GEMM for op(A) = A (rows contiguous in k) and op(B) = Bᵀ (B's rows contiguous in k), the "NT" form of linear-layer
/// forward passes and of convolution weight gradients. Each C element is a dot product of two contiguous rows, so
/// nothing needs transposing or packing: a 4×4 block of C keeps 16 vector accumulators running along k.
/// </summary>
/// <remarks>
/// Determinism: every element runs the same arithmetic (16-wide FMA chain over k in slices of <see cref="Kc"/>, then the
/// same lane reduction and scalar tail) whichever block or thread computes it; edge blocks reuse the 4×4 kernel with
/// clamped row pointers and discard the duplicates.
/// </remarks>
internal static unsafe class GemmDotKernel
{
    /// <summary>Depth of one k slice: long enough to amortize the lane reductions, short enough for B's slice to stay cached.</summary>
    private const int Kc = 1024;

    private const int Block = 4;

    /// <summary>Whether this path applies: NT layout, AVX-512, and k long enough for reductions to be cheap.</summary>
    public static bool Applies(in GemmJob job) =>
        !job.TransA && job.TransB && job.K >= 64 && Vector512.IsHardwareAccelerated;

    public static void Run(in GemmJob job, int threads, long parallelThreshold)
    {
        long work = (long)job.M * job.N * job.K;
        bool splitN = job.N >= job.M;
        int blocks = ((splitN ? job.N : job.M) + Block - 1) / Block;
        int parts = Math.Min(threads, blocks);
        if (work < parallelThreshold || parts < 2)
        {
            RunRange(in job, 0, job.M, 0, job.N);
            return;
        }

        GemmParallelCall.Run(in job, &RunPartition, parts, splitN);
    }

    private static void RunPartition(in GemmJob job, int index, int parts, bool splitN)
    {
        int total = splitN ? job.N : job.M;
        int blocks = (total + Block - 1) / Block;
        int start = Math.Min(total, (int)((long)blocks * index / parts) * Block);
        int end = Math.Min(total, (int)((long)blocks * (index + 1) / parts) * Block);
        if (splitN)
        {
            RunRange(in job, 0, job.M, start, end);
        }
        else
        {
            RunRange(in job, start, end, 0, job.N);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRange(in GemmJob job, int m0, int m1, int n0, int n1)
    {
        if (m0 >= m1 || n0 >= n1)
        {
            return;
        }

        float* sums = stackalloc float[Block * Block];
        float** aRows = stackalloc float*[Block];
        float** bRows = stackalloc float*[Block];
        for (int pc = 0; pc < job.K; pc += Kc)
        {
            int kc = Math.Min(Kc, job.K - pc);
            int mode = pc > 0 || job.Beta == 1f ? 2 : job.Beta == 0f ? 0 : 1;
            for (int i0 = m0; i0 < m1; i0 += Block)
            {
                int rows = Math.Min(Block, m1 - i0);
                for (int r = 0; r < Block; r++)
                {
                    aRows[r] = job.A + (long)(i0 + Math.Min(r, rows - 1)) * job.Lda + pc;
                }

                for (int j0 = n0; j0 < n1; j0 += Block)
                {
                    int cols = Math.Min(Block, n1 - j0);
                    for (int c = 0; c < Block; c++)
                    {
                        bRows[c] = job.B + (long)(j0 + Math.Min(c, cols - 1)) * job.Ldb + pc;
                    }

                    Dot4x4(kc, aRows, bRows, sums);
                    for (int r = 0; r < rows; r++)
                    {
                        float* cRow = job.C + (long)(i0 + r) * job.Ldc + j0;
                        for (int c = 0; c < cols; c++)
                        {
                            GemmMicroKernelScalar.Update(cRow + c, sums[r * Block + c], job.Alpha, job.Beta, mode);
                        }
                    }
                }
            }
        }
    }

    /// <summary>sums[r·4 + c] = Σp a[r][p]·b[c][p] for p in [0, kc).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4(int kc, float** a, float** b, float* sums)
    {
        float* a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
        float* b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
        int p = 0;
        for (; p <= kc - 16; p += 16)
        {
            Vector512<float> vb0 = Vector512.Load(b0 + p), vb1 = Vector512.Load(b1 + p);
            Vector512<float> vb2 = Vector512.Load(b2 + p), vb3 = Vector512.Load(b3 + p);
            Vector512<float> va = Vector512.Load(a0 + p);
            s00 = Vector512.FusedMultiplyAdd(va, vb0, s00);
            s01 = Vector512.FusedMultiplyAdd(va, vb1, s01);
            s02 = Vector512.FusedMultiplyAdd(va, vb2, s02);
            s03 = Vector512.FusedMultiplyAdd(va, vb3, s03);
            va = Vector512.Load(a1 + p);
            s10 = Vector512.FusedMultiplyAdd(va, vb0, s10);
            s11 = Vector512.FusedMultiplyAdd(va, vb1, s11);
            s12 = Vector512.FusedMultiplyAdd(va, vb2, s12);
            s13 = Vector512.FusedMultiplyAdd(va, vb3, s13);
            va = Vector512.Load(a2 + p);
            s20 = Vector512.FusedMultiplyAdd(va, vb0, s20);
            s21 = Vector512.FusedMultiplyAdd(va, vb1, s21);
            s22 = Vector512.FusedMultiplyAdd(va, vb2, s22);
            s23 = Vector512.FusedMultiplyAdd(va, vb3, s23);
            va = Vector512.Load(a3 + p);
            s30 = Vector512.FusedMultiplyAdd(va, vb0, s30);
            s31 = Vector512.FusedMultiplyAdd(va, vb1, s31);
            s32 = Vector512.FusedMultiplyAdd(va, vb2, s32);
            s33 = Vector512.FusedMultiplyAdd(va, vb3, s33);
        }

        sums[0] = Vector512.Sum(s00);
        sums[1] = Vector512.Sum(s01);
        sums[2] = Vector512.Sum(s02);
        sums[3] = Vector512.Sum(s03);
        sums[4] = Vector512.Sum(s10);
        sums[5] = Vector512.Sum(s11);
        sums[6] = Vector512.Sum(s12);
        sums[7] = Vector512.Sum(s13);
        sums[8] = Vector512.Sum(s20);
        sums[9] = Vector512.Sum(s21);
        sums[10] = Vector512.Sum(s22);
        sums[11] = Vector512.Sum(s23);
        sums[12] = Vector512.Sum(s30);
        sums[13] = Vector512.Sum(s31);
        sums[14] = Vector512.Sum(s32);
        sums[15] = Vector512.Sum(s33);
        for (; p < kc; p++)
        {
            float x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p];
            float y0 = b0[p], y1 = b1[p], y2 = b2[p], y3 = b3[p];
            sums[0] = MathF.FusedMultiplyAdd(x0, y0, sums[0]);
            sums[1] = MathF.FusedMultiplyAdd(x0, y1, sums[1]);
            sums[2] = MathF.FusedMultiplyAdd(x0, y2, sums[2]);
            sums[3] = MathF.FusedMultiplyAdd(x0, y3, sums[3]);
            sums[4] = MathF.FusedMultiplyAdd(x1, y0, sums[4]);
            sums[5] = MathF.FusedMultiplyAdd(x1, y1, sums[5]);
            sums[6] = MathF.FusedMultiplyAdd(x1, y2, sums[6]);
            sums[7] = MathF.FusedMultiplyAdd(x1, y3, sums[7]);
            sums[8] = MathF.FusedMultiplyAdd(x2, y0, sums[8]);
            sums[9] = MathF.FusedMultiplyAdd(x2, y1, sums[9]);
            sums[10] = MathF.FusedMultiplyAdd(x2, y2, sums[10]);
            sums[11] = MathF.FusedMultiplyAdd(x2, y3, sums[11]);
            sums[12] = MathF.FusedMultiplyAdd(x3, y0, sums[12]);
            sums[13] = MathF.FusedMultiplyAdd(x3, y1, sums[13]);
            sums[14] = MathF.FusedMultiplyAdd(x3, y2, sums[14]);
            sums[15] = MathF.FusedMultiplyAdd(x3, y3, sums[15]);
        }
    }
}
