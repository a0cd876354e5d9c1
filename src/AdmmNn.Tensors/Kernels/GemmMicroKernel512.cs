using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>AVX-512 micro-kernel, 12 rows: two 16-float vectors per row, FMA (24 accumulators of 32 registers).</summary>
/// <remarks>
/// Computes a 12×32 tile of C (storing its first <c>rows</c> rows) from a packed A sliver (kc columns of 12 rows) and kc rows of 32 B values, bStride apart
/// (Nr when packed, ldb when read in place).
/// The 24 accumulators are separate locals (not an array) so they stay in registers; the code is unrolled by design.
/// </remarks>
internal readonly struct GemmMicroKernel512 : IGemmMicroKernel
{
    public static int Mr => 12;

    public static int Nr => 32;

    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, int bStride, float* c, int ldc, float alpha, float beta, int mode, int rows)
    {
        Vector512<float> c0_0 = default, c0_1 = default;
        Vector512<float> c1_0 = default, c1_1 = default;
        Vector512<float> c2_0 = default, c2_1 = default;
        Vector512<float> c3_0 = default, c3_1 = default;
        Vector512<float> c4_0 = default, c4_1 = default;
        Vector512<float> c5_0 = default, c5_1 = default;
        Vector512<float> c6_0 = default, c6_1 = default;
        Vector512<float> c7_0 = default, c7_1 = default;
        Vector512<float> c8_0 = default, c8_1 = default;
        Vector512<float> c9_0 = default, c9_1 = default;
        Vector512<float> c10_0 = default, c10_1 = default;
        Vector512<float> c11_0 = default, c11_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c0_0 = Vector512.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Vector512.FusedMultiplyAdd(a0, b1, c0_1);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c1_0 = Vector512.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Vector512.FusedMultiplyAdd(a1, b1, c1_1);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c2_0 = Vector512.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Vector512.FusedMultiplyAdd(a2, b1, c2_1);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c3_0 = Vector512.FusedMultiplyAdd(a3, b0, c3_0);
            c3_1 = Vector512.FusedMultiplyAdd(a3, b1, c3_1);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c4_0 = Vector512.FusedMultiplyAdd(a4, b0, c4_0);
            c4_1 = Vector512.FusedMultiplyAdd(a4, b1, c4_1);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c5_0 = Vector512.FusedMultiplyAdd(a5, b0, c5_0);
            c5_1 = Vector512.FusedMultiplyAdd(a5, b1, c5_1);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c6_0 = Vector512.FusedMultiplyAdd(a6, b0, c6_0);
            c6_1 = Vector512.FusedMultiplyAdd(a6, b1, c6_1);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c7_0 = Vector512.FusedMultiplyAdd(a7, b0, c7_0);
            c7_1 = Vector512.FusedMultiplyAdd(a7, b1, c7_1);
            Vector512<float> a8 = Vector512.Create(a[8]);
            c8_0 = Vector512.FusedMultiplyAdd(a8, b0, c8_0);
            c8_1 = Vector512.FusedMultiplyAdd(a8, b1, c8_1);
            Vector512<float> a9 = Vector512.Create(a[9]);
            c9_0 = Vector512.FusedMultiplyAdd(a9, b0, c9_0);
            c9_1 = Vector512.FusedMultiplyAdd(a9, b1, c9_1);
            Vector512<float> a10 = Vector512.Create(a[10]);
            c10_0 = Vector512.FusedMultiplyAdd(a10, b0, c10_0);
            c10_1 = Vector512.FusedMultiplyAdd(a10, b1, c10_1);
            Vector512<float> a11 = Vector512.Create(a[11]);
            c11_0 = Vector512.FusedMultiplyAdd(a11, b0, c11_0);
            c11_1 = Vector512.FusedMultiplyAdd(a11, b1, c11_1);
            a += 12;
            b += bStride;
        }

        Update(c + 0 * ldc, c0_0, alpha, beta, mode);
        Update(c + 0 * ldc + 16, c0_1, alpha, beta, mode);

        if (rows == 1)
        {
            return;
        }

        Update(c + 1 * ldc, c1_0, alpha, beta, mode);
        Update(c + 1 * ldc + 16, c1_1, alpha, beta, mode);

        if (rows == 2)
        {
            return;
        }

        Update(c + 2 * ldc, c2_0, alpha, beta, mode);
        Update(c + 2 * ldc + 16, c2_1, alpha, beta, mode);

        if (rows == 3)
        {
            return;
        }

        Update(c + 3 * ldc, c3_0, alpha, beta, mode);
        Update(c + 3 * ldc + 16, c3_1, alpha, beta, mode);

        if (rows == 4)
        {
            return;
        }

        Update(c + 4 * ldc, c4_0, alpha, beta, mode);
        Update(c + 4 * ldc + 16, c4_1, alpha, beta, mode);

        if (rows == 5)
        {
            return;
        }

        Update(c + 5 * ldc, c5_0, alpha, beta, mode);
        Update(c + 5 * ldc + 16, c5_1, alpha, beta, mode);

        if (rows == 6)
        {
            return;
        }

        Update(c + 6 * ldc, c6_0, alpha, beta, mode);
        Update(c + 6 * ldc + 16, c6_1, alpha, beta, mode);

        if (rows == 7)
        {
            return;
        }

        Update(c + 7 * ldc, c7_0, alpha, beta, mode);
        Update(c + 7 * ldc + 16, c7_1, alpha, beta, mode);

        if (rows == 8)
        {
            return;
        }

        Update(c + 8 * ldc, c8_0, alpha, beta, mode);
        Update(c + 8 * ldc + 16, c8_1, alpha, beta, mode);

        if (rows == 9)
        {
            return;
        }

        Update(c + 9 * ldc, c9_0, alpha, beta, mode);
        Update(c + 9 * ldc + 16, c9_1, alpha, beta, mode);

        if (rows == 10)
        {
            return;
        }

        Update(c + 10 * ldc, c10_0, alpha, beta, mode);
        Update(c + 10 * ldc + 16, c10_1, alpha, beta, mode);

        if (rows == 11)
        {
            return;
        }

        Update(c + 11 * ldc, c11_0, alpha, beta, mode);
        Update(c + 11 * ldc + 16, c11_1, alpha, beta, mode);
    }

    /// <summary>Mode 0: C = alpha·acc; 1: C = alpha·acc + beta·C; 2: C = alpha·acc + C (see <see cref="GemmManaged"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Update(float* p, Vector512<float> acc, float alpha, float beta, int mode)
    {
        if (mode == 0)
        {
            (acc * alpha).Store(p);
        }
        else if (mode == 1)
        {
            Vector512.FusedMultiplyAdd(Vector512.Create(alpha), acc, Vector512.Load(p) * beta).Store(p);
        }
        else
        {
            Vector512.FusedMultiplyAdd(Vector512.Create(alpha), acc, Vector512.Load(p)).Store(p);
        }
    }
}
