using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>SSE/NEON-class micro-kernel: two 4-float vectors per row.</summary>
/// <remarks>
/// Computes a 6×8 tile of C (storing its first <c>rows</c> rows) from a packed A sliver (kc columns of 6 rows) and kc rows of 8 B values, bStride apart
/// (Nr when packed, ldb when read in place).
/// The 12 accumulators are separate locals (not an array) so they stay in registers; the code is unrolled by design.
/// </remarks>
internal readonly struct GemmMicroKernel128 : IGemmMicroKernel
{
    public static int Mr => 6;

    public static int Nr => 8;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, int bStride, float* c, int ldc, float alpha, float beta, int mode, int rows)
    {
        Vector128<float> c0_0 = default, c0_1 = default;
        Vector128<float> c1_0 = default, c1_1 = default;
        Vector128<float> c2_0 = default, c2_1 = default;
        Vector128<float> c3_0 = default, c3_1 = default;
        Vector128<float> c4_0 = default, c4_1 = default;
        Vector128<float> c5_0 = default, c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> a0 = Vector128.Create(a[0]);
            c0_0 = Vector128.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Vector128.FusedMultiplyAdd(a0, b1, c0_1);
            Vector128<float> a1 = Vector128.Create(a[1]);
            c1_0 = Vector128.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Vector128.FusedMultiplyAdd(a1, b1, c1_1);
            Vector128<float> a2 = Vector128.Create(a[2]);
            c2_0 = Vector128.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Vector128.FusedMultiplyAdd(a2, b1, c2_1);
            Vector128<float> a3 = Vector128.Create(a[3]);
            c3_0 = Vector128.FusedMultiplyAdd(a3, b0, c3_0);
            c3_1 = Vector128.FusedMultiplyAdd(a3, b1, c3_1);
            Vector128<float> a4 = Vector128.Create(a[4]);
            c4_0 = Vector128.FusedMultiplyAdd(a4, b0, c4_0);
            c4_1 = Vector128.FusedMultiplyAdd(a4, b1, c4_1);
            Vector128<float> a5 = Vector128.Create(a[5]);
            c5_0 = Vector128.FusedMultiplyAdd(a5, b0, c5_0);
            c5_1 = Vector128.FusedMultiplyAdd(a5, b1, c5_1);
            a += 6;
            b += bStride;
        }

        Update(c + 0 * ldc, c0_0, alpha, beta, mode);
        Update(c + 0 * ldc + 4, c0_1, alpha, beta, mode);

        if (rows == 1)
        {
            return;
        }

        Update(c + 1 * ldc, c1_0, alpha, beta, mode);
        Update(c + 1 * ldc + 4, c1_1, alpha, beta, mode);

        if (rows == 2)
        {
            return;
        }

        Update(c + 2 * ldc, c2_0, alpha, beta, mode);
        Update(c + 2 * ldc + 4, c2_1, alpha, beta, mode);

        if (rows == 3)
        {
            return;
        }

        Update(c + 3 * ldc, c3_0, alpha, beta, mode);
        Update(c + 3 * ldc + 4, c3_1, alpha, beta, mode);

        if (rows == 4)
        {
            return;
        }

        Update(c + 4 * ldc, c4_0, alpha, beta, mode);
        Update(c + 4 * ldc + 4, c4_1, alpha, beta, mode);

        if (rows == 5)
        {
            return;
        }

        Update(c + 5 * ldc, c5_0, alpha, beta, mode);
        Update(c + 5 * ldc + 4, c5_1, alpha, beta, mode);
    }

    /// <summary>Mode 0: C = alpha·acc; 1: C = alpha·acc + beta·C; 2: C = alpha·acc + C (see <see cref="GemmManaged"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Update(float* p, Vector128<float> acc, float alpha, float beta, int mode)
    {
        if (mode == 0)
        {
            (acc * alpha).Store(p);
        }
        else if (mode == 1)
        {
            Vector128.FusedMultiplyAdd(Vector128.Create(alpha), acc, Vector128.Load(p) * beta).Store(p);
        }
        else
        {
            Vector128.FusedMultiplyAdd(Vector128.Create(alpha), acc, Vector128.Load(p)).Store(p);
        }
    }
}
