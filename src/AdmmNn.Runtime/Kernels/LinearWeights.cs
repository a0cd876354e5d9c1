namespace AdmmNn.Runtime.Kernels;

/// <summary>
/// A weight matrix W[outputs, inputs] ready to multiply, dense or sparse as its density warrants.
/// <see cref="MultiplyInto"/> computes Y[outputs, n] = W·X[inputs, n] (the conv / transposed-linear form).
/// </summary>
internal sealed class LinearWeights
{
    /// <summary>
    /// Break-even density for convolutions. Measured with <see cref="KernelTimer"/> (batch 1, this repository's 2-core AVX-512
    /// machine): LeNet-5's conv1 [20,1,5,5] breaks even near 55 %, conv2 [50,20,5,5] near 42 % (the direct sparse
    /// convolution needs no im2col; the dense path is im2col + a 4x32 register-blocked GEMM).
    /// </summary>
    public const double ConvSparseBelowDensity = 0.5;

    /// <summary>
    /// Break-even density for Gemm/MatMul: batch 1 is a gathered dot product per output against a streaming dense GEMV;
    /// measured near 9 % for [500,800] and 40 % for [10,500]. The large layers matter, so 10 %.
    /// </summary>
    public const double LinearSparseBelowDensity = 0.1;

    private float[]? _rowMajor;

    private readonly float[]? _dense;
    private readonly CsrMatrix? _sparse;

    private LinearWeights(int outputs, int inputs, float[]? dense, CsrMatrix? sparse)
    {
        Outputs = outputs;
        Inputs = inputs;
        _dense = dense;
        _sparse = sparse;
    }

    public int Outputs { get; }
    public int Inputs { get; }
    public bool IsSparse => _sparse is not null;
    public long NonZeros { get; private init; }

    /// <summary>
    /// Wraps row-major W[outputs, inputs]; <paramref name="forceSparse"/> null chooses by density. <paramref name="forRows"/>
    /// prepares the dense form for <see cref="MultiplyRows"/> (stored transposed) instead of <see cref="MultiplyInto"/>.
    /// </summary>
    public static LinearWeights Create(float[] w, int outputs, int inputs, bool forRows, bool? forceSparse = null)
    {
        long nnz = 0;
        foreach (var v in w) if (v != 0f) nnz++;
        double density = w.Length == 0 ? 1 : (double)nnz / w.Length;
        bool sparse = forceSparse ?? density < (forRows ? LinearSparseBelowDensity : ConvSparseBelowDensity);
        if (sparse) return new LinearWeights(outputs, inputs, null, CsrMatrix.FromDense(w, outputs, inputs)) { NonZeros = nnz, _forRows = forRows };
        var dense = forRows ? Transpose(w, outputs, inputs) : w;
        return new LinearWeights(outputs, inputs, dense, null) { NonZeros = nnz, _forRows = forRows, _rowMajor = forRows ? w : null };
    }

    private bool _forRows;

    /// <summary>Y[rows, outputs] = X[rows, inputs]·Wᵀ (the Gemm / MatMul form).</summary>
    public void MultiplyRows(ReadOnlySpan<float> x, int rows, Span<float> y)
    {
        if (!_forRows) throw new InvalidOperationException("Weights were prepared for MultiplyInto.");
        if (_sparse is null && rows == 1)
        {
            DenseGemm.MultiplyVector(Outputs, Inputs, _rowMajor, x, y);
            return;
        }
        if (_sparse is null)
        {
            DenseGemm.Multiply(rows, Outputs, Inputs, x, Inputs, _dense, Outputs, y, Outputs, accumulate: false);
            return;
        }
        if (rows == 1)
        {
            _sparse.Multiply(x, 1, 1, y, 1, accumulate: false);
            return;
        }
        // Vectorise over the batch: Yᵀ = W·Xᵀ.
        var xt = System.Buffers.ArrayPool<float>.Shared.Rent(rows * Inputs);
        var yt = System.Buffers.ArrayPool<float>.Shared.Rent(rows * Outputs);
        try
        {
            TransposeInto(x, rows, Inputs, xt);
            _sparse.Multiply(xt, rows, rows, yt, rows, accumulate: false);
            TransposeInto(yt, Outputs, rows, y);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(xt);
            System.Buffers.ArrayPool<float>.Shared.Return(yt);
        }
    }

    private static float[] Transpose(float[] w, int rows, int cols)
    {
        var t = new float[w.Length];
        TransposeInto(w, rows, cols, t);
        return t;
    }

    /// <summary>dst[cols, rows] = src[rows, cols]ᵀ, in cache-friendly tiles.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void TransposeInto(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst)
    {
        const int tile = 16;
        for (int r0 = 0; r0 < rows; r0 += tile)
        for (int c0 = 0; c0 < cols; c0 += tile)
        {
            int r1 = Math.Min(rows, r0 + tile), c1 = Math.Min(cols, c0 + tile);
            for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++)
                dst[c * rows + r] = src[r * cols + c];
        }
    }

    /// <summary>The CSR form, when sparse.</summary>
    public CsrMatrix? Sparse => _sparse;

    /// <summary>Y[outputs, n] = W·X[inputs, n] (row-major, leading dimensions given).</summary>
    public void MultiplyInto(ReadOnlySpan<float> x, int n, int ldx, Span<float> y, int ldy)
    {
        if (_forRows && _sparse is null) throw new InvalidOperationException("Weights were prepared for MultiplyRows.");
        if (_sparse is not null) _sparse.Multiply(x, n, ldx, y, ldy, accumulate: false);
        else DenseGemm.Multiply(Outputs, n, Inputs, _dense, Inputs, x, ldx, y, ldy, accumulate: false);
    }
}
