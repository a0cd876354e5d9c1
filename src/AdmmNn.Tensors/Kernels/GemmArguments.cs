namespace AdmmNn.Tensors.Kernels;

/// <summary>Argument checks and trivial cases shared by every GEMM backend.</summary>
internal static class GemmArguments
{
    /// <summary>Throws a clear <see cref="ArgumentException"/> when shapes, strides or buffer lengths do not fit.</summary>
    public static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"Gemm: dimensions must be non-negative (m={m}, n={n}, k={k}).");
        }

        // Stored shapes: A is m×k (or k×m when transposed), B is k×n (or n×k).
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        CheckMatrix("A", aRows, aCols, lda, aLength);
        CheckMatrix("B", bRows, bCols, ldb, bLength);
        CheckMatrix("C", m, n, ldc, cLength);
    }

    private static void CheckMatrix(string name, int rows, int cols, int ld, int length)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentOutOfRangeException("ld" + name.ToLowerInvariant(),
                $"Gemm: leading dimension of {name} is {ld}, smaller than its stored width {cols}.");
        }

        if (rows == 0 || cols == 0)
        {
            return;
        }

        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException(
                $"Gemm: {name} buffer holds {length} floats but a {rows}×{cols} matrix with leading dimension {ld} needs {needed}.",
                name.ToLowerInvariant());
        }
    }

    /// <summary>C = beta * C, with beta == 0 writing exact zeros (BLAS semantics: old NaNs do not survive).</summary>
    public static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        if (beta == 1f)
        {
            return;
        }

        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }
}
