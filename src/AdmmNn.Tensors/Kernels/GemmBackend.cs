namespace AdmmNn.Tensors.Kernels;

/// <summary>Which implementation <see cref="Gemm.Multiply"/> uses.</summary>
public enum GemmBackend
{
    /// <summary>The built-in packed, vectorized C# kernel; always available.</summary>
    Managed,

    /// <summary>The system OpenBLAS (<c>libopenblas.so.0</c>) through P/Invoke; only when it loaded.</summary>
    OpenBlas,
}
