namespace AdmmNn.Tensors.Kernels;

/// <summary>A register-blocked GEMM inner kernel over packed A and B slivers (see <see cref="GemmManaged"/>).</summary>
internal interface IGemmMicroKernel
{
    /// <summary>Rows of C computed per call (height of a packed A sliver).</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of C computed per call (width of a packed B sliver).</summary>
    static abstract int Nr { get; }

    /// <summary>Whether this machine runs the kernel in hardware.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>
    /// C tile (Mr×Nr at <paramref name="c"/>, row stride <paramref name="ldc"/>) updated from kc steps of a packed A sliver
    /// and Nr-wide rows of B <paramref name="bStride"/> floats apart; mode as in GemmManaged. Only the first
    /// <paramref name="rows"/> rows (1..Mr) of the tile are stored, so a short last row block needs no scratch tile.
    /// </summary>
    static abstract unsafe void Run(int kc, float* a, float* b, int bStride, float* c, int ldc, float alpha, float beta, int mode, int rows);
}
