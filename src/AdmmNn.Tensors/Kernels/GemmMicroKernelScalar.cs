using System.Runtime.CompilerServices;

namespace AdmmNn.Tensors.Kernels;

/// <summary>Portable 4×4 micro-kernel for machines without SIMD acceleration.</summary>
internal readonly struct GemmMicroKernelScalar : IGemmMicroKernel
{
    public static int Mr => 4;

    public static int Nr => 4;

    public static bool IsSupported => true;

    public static unsafe void Run(int kc, float* a, float* b, int bStride, float* c, int ldc, float alpha, float beta, int mode, int rows)
    {
        float* acc = stackalloc float[16];
        new Span<float>(acc, 16).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < 4; r++)
            {
                float ar = a[r];
                acc[r * 4] += ar * b[0];
                acc[r * 4 + 1] += ar * b[1];
                acc[r * 4 + 2] += ar * b[2];
                acc[r * 4 + 3] += ar * b[3];
            }

            a += 4;
            b += bStride;
        }

        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < 4; j++)
            {
                Update(c + r * ldc + j, acc[r * 4 + j], alpha, beta, mode);
            }
        }
    }

    /// <summary>The scalar form of the update every kernel uses (mode as in <see cref="GemmManaged"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Update(float* p, float acc, float alpha, float beta, int mode)
    {
        *p = mode switch
        {
            0 => acc * alpha,
            1 => MathF.FusedMultiplyAdd(alpha, acc, *p * beta),
            _ => MathF.FusedMultiplyAdd(alpha, acc, *p),
        };
    }
}
