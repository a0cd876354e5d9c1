namespace AdmmNn.Tensors.Kernels;

/// <summary>Vector width of the managed GEMM micro-kernel (<see cref="Gemm.ManagedKernel"/>).</summary>
public enum GemmManagedKernel
{
    /// <summary>Portable scalar code.</summary>
    Scalar,

    /// <summary>128-bit vectors (SSE, NEON).</summary>
    Vector128,

    /// <summary>256-bit vectors with FMA (AVX2).</summary>
    Vector256,

    /// <summary>512-bit vectors with FMA (AVX-512).</summary>
    Vector512,
}
