using System.Numerics;
using System.Runtime.Intrinsics;

namespace AdmmNn.Runtime.Kernels;

/// <summary>
/// The runtime's own single-precision GEMM, row-major: C = A·B or C += A·B. A register-blocked 4×32 micro-kernel
/// (eight Vector512 accumulators, FMA) on AVX-512, a <see cref="Vector{T}"/> row-axpy path elsewhere. No packing: the runtime's
/// matrices are small (LeNet-sized layers), where packing costs more than it saves.
/// </summary>
internal static unsafe class DenseGemm
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        if (m > 0 && (long)(m - 1) * lda + k > a.Length) throw new ArgumentException("A is too small.");
        if (k > 0 && (long)(k - 1) * ldb + n > b.Length) throw new ArgumentException("B is too small.");
        if ((long)(m - 1) * ldc + n > c.Length) throw new ArgumentException("C is too small.");
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
        {
            if (Vector512.IsHardwareAccelerated) Multiply512(m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
            else MultiplyPortable(m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
        }
    }

    /// <summary>y[m] = A[m, k]·x (row-major A): the batch-1 linear layer, four rows at a time so each x load serves four FMAs.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyVector(int m, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> x, Span<float> y)
    {
        if ((long)m * k > a.Length || x.Length < k || y.Length < m) throw new ArgumentException("Operand too small.");
        fixed (float* pa = a) fixed (float* px = x) fixed (float* py = y)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 4 <= m; i += 4)
                {
                    float* r0 = pa + (long)i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
                    var s0 = Vector512<float>.Zero; var s1 = s0; var s2 = s0; var s3 = s0;
                    int p = 0;
                    for (; p + 16 <= k; p += 16)
                    {
                        var xv = Vector512.Load(px + p);
                        s0 = Vector512.FusedMultiplyAdd(Vector512.Load(r0 + p), xv, s0);
                        s1 = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + p), xv, s1);
                        s2 = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + p), xv, s2);
                        s3 = Vector512.FusedMultiplyAdd(Vector512.Load(r3 + p), xv, s3);
                    }
                    float t0 = Vector512.Sum(s0), t1 = Vector512.Sum(s1), t2 = Vector512.Sum(s2), t3 = Vector512.Sum(s3);
                    for (; p < k; p++)
                    {
                        float xp = px[p];
                        t0 += r0[p] * xp; t1 += r1[p] * xp; t2 += r2[p] * xp; t3 += r3[p] * xp;
                    }
                    py[i] = t0; py[i + 1] = t1; py[i + 2] = t2; py[i + 3] = t3;
                }
            }
            for (; i < m; i++)
            {
                float* r = pa + (long)i * k;
                float t = 0f;
                for (int p = 0; p < k; p++) t += r[p] * px[p];
                py[i] = t;
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Multiply512(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        int j = 0;
        for (; j + 32 <= n; j += 32)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4) Kernel4x32(k, a + (long)i * lda, lda, b + j, ldb, c + (long)i * ldc + j, ldc, accumulate);
            for (; i < m; i++) Kernel1x32(k, a + (long)i * lda, b + j, ldb, c + (long)i * ldc + j, accumulate);
        }
        for (; j + 16 <= n; j += 16)
        {
            for (int i = 0; i < m; i++)
            {
                float* ai = a + (long)i * lda;
                var acc = accumulate ? Vector512.Load(c + (long)i * ldc + j) : Vector512<float>.Zero;
                for (int p = 0; p < k; p++) acc = Vector512.FusedMultiplyAdd(Vector512.Create(ai[p]), Vector512.Load(b + (long)p * ldb + j), acc);
                Vector512.Store(acc, c + (long)i * ldc + j);
            }
        }
        if (j < n) Scalar(m, j, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x32(int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + 16);
            c10 = Vector512.Load(c + ldc); c11 = Vector512.Load(c + ldc + 16);
            c20 = Vector512.Load(c + 2 * ldc); c21 = Vector512.Load(c + 2 * ldc + 16);
            c30 = Vector512.Load(c + 3 * ldc); c31 = Vector512.Load(c + 3 * ldc + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
        }
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        for (int p = 0; p < k; p++)
        {
            float* bp = b + (long)p * ldb;
            var b0 = Vector512.Load(bp);
            var b1 = Vector512.Load(bp + 16);
            var x = Vector512.Create(a0[p]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[p]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[p]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[p]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
        }
        Vector512.Store(c00, c); Vector512.Store(c01, c + 16);
        Vector512.Store(c10, c + ldc); Vector512.Store(c11, c + ldc + 16);
        Vector512.Store(c20, c + 2 * ldc); Vector512.Store(c21, c + 2 * ldc + 16);
        Vector512.Store(c30, c + 3 * ldc); Vector512.Store(c31, c + 3 * ldc + 16);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x32(int k, float* a, float* b, int ldb, float* c, bool accumulate)
    {
        var c0 = accumulate ? Vector512.Load(c) : Vector512<float>.Zero;
        var c1 = accumulate ? Vector512.Load(c + 16) : Vector512<float>.Zero;
        // Two independent chains per half so the FMA latency is hidden on the GEMV (batch-1) path.
        var d0 = Vector512<float>.Zero;
        var d1 = Vector512<float>.Zero;
        int p = 0;
        for (; p + 2 <= k; p += 2)
        {
            float* bp = b + (long)p * ldb;
            var x = Vector512.Create(a[p]);
            c0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp), c0);
            c1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 16), c1);
            var y = Vector512.Create(a[p + 1]);
            d0 = Vector512.FusedMultiplyAdd(y, Vector512.Load(bp + ldb), d0);
            d1 = Vector512.FusedMultiplyAdd(y, Vector512.Load(bp + ldb + 16), d1);
        }
        if (p < k)
        {
            float* bp = b + (long)p * ldb;
            var x = Vector512.Create(a[p]);
            c0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp), c0);
            c1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 16), c1);
        }
        Vector512.Store(c0 + d0, c);
        Vector512.Store(c1 + d1, c + 16);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPortable(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        int width = Vector<float>.Count;
        for (int i = 0; i < m; i++)
        {
            float* ci = c + (long)i * ldc;
            if (!accumulate) new Span<float>(ci, n).Clear();
            for (int p = 0; p < k; p++)
            {
                float s = a[(long)i * lda + p];
                float* bp = b + (long)p * ldb;
                var vs = new Vector<float>(s);
                int j = 0;
                for (; j + width <= n; j += width)
                {
                    var sum = *(Vector<float>*)(ci + j) + vs * *(Vector<float>*)(bp + j);
                    *(Vector<float>*)(ci + j) = sum;
                }
                for (; j < n; j++) ci[j] += s * bp[j];
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Scalar(int m, int j0, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = j0; j < n; j++)
            {
                float sum = accumulate ? c[(long)i * ldc + j] : 0f;
                for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(a[(long)i * lda + p], b[(long)p * ldb + j], sum);
                c[(long)i * ldc + j] = sum;
            }
        }
    }
}
