using System.Runtime.Intrinsics;

namespace AdmmNn.Runtime.Kernels;

/// <summary>
/// A sparse matrix in compressed-sparse-row form, multiplied by dense row-major matrices (SpMM): C[rows, n] = A·B[cols, n].
/// Each C row is built in registers, 64 columns at a time, from the row's nonzeros.
/// </summary>
internal sealed unsafe class CsrMatrix
{
    public CsrMatrix(int rows, int cols, int[] rowStart, int[] columns, float[] values)
    {
        Rows = rows;
        Cols = cols;
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    public int Rows { get; }
    public int Cols { get; }
    public int[] RowStart { get; }
    public int[] Columns { get; }
    public float[] Values { get; }
    public int NonZeros => Values.Length;

    /// <summary>Builds the CSR form of a dense row-major [rows, cols] matrix, keeping its nonzeros.</summary>
    public static CsrMatrix FromDense(ReadOnlySpan<float> dense, int rows, int cols)
    {
        int nnz = 0;
        foreach (var v in dense) if (v != 0f) nnz++;
        var start = new int[rows + 1];
        var columns = new int[nnz];
        var values = new float[nnz];
        int e = 0;
        for (int r = 0; r < rows; r++)
        {
            start[r] = e;
            var row = dense.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++)
            {
                if (row[c] == 0f) continue;
                columns[e] = c;
                values[e++] = row[c];
            }
        }
        start[rows] = e;
        return new CsrMatrix(rows, cols, start, columns, values);
    }

    /// <summary>C[rows, n] = A·B (or += when <paramref name="accumulate"/>), B row-major [cols, n] with leading dimension <paramref name="ldb"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Multiply(ReadOnlySpan<float> b, int n, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        if (Cols > 0 && (long)(Cols - 1) * ldb + n > b.Length) throw new ArgumentException("B is too small.");
        if (Rows > 0 && (long)(Rows - 1) * ldc + n > c.Length) throw new ArgumentException("C is too small.");
        fixed (float* pb = b) fixed (float* pc = c) fixed (int* cols = Columns) fixed (float* vals = Values) fixed (int* start = RowStart)
        {
            if (n == 1) { Vector(pb, ldb, pc, ldc, accumulate, cols, vals, start); return; }
            for (int r = 0; r < Rows; r++)
            {
                float* cr = pc + (long)r * ldc;
                int s = start[r], e = start[r + 1];
                int j = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    for (; j + 64 <= n; j += 64)
                    {
                        Vector512<float> a0, a1, a2, a3;
                        if (accumulate) { a0 = Vector512.Load(cr + j); a1 = Vector512.Load(cr + j + 16); a2 = Vector512.Load(cr + j + 32); a3 = Vector512.Load(cr + j + 48); }
                        else a0 = a1 = a2 = a3 = Vector512<float>.Zero;
                        for (int q = s; q < e; q++)
                        {
                            float* bp = pb + (long)cols[q] * ldb + j;
                            var v = Vector512.Create(vals[q]);
                            a0 = Vector512.FusedMultiplyAdd(v, Vector512.Load(bp), a0);
                            a1 = Vector512.FusedMultiplyAdd(v, Vector512.Load(bp + 16), a1);
                            a2 = Vector512.FusedMultiplyAdd(v, Vector512.Load(bp + 32), a2);
                            a3 = Vector512.FusedMultiplyAdd(v, Vector512.Load(bp + 48), a3);
                        }
                        Vector512.Store(a0, cr + j); Vector512.Store(a1, cr + j + 16); Vector512.Store(a2, cr + j + 32); Vector512.Store(a3, cr + j + 48);
                    }
                    for (; j + 16 <= n; j += 16)
                    {
                        var a0 = accumulate ? Vector512.Load(cr + j) : Vector512<float>.Zero;
                        for (int q = s; q < e; q++)
                            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(vals[q]), Vector512.Load(pb + (long)cols[q] * ldb + j), a0);
                        Vector512.Store(a0, cr + j);
                    }
                }
                for (; j < n; j++)
                {
                    float sum = accumulate ? cr[j] : 0f;
                    for (int q = s; q < e; q++) sum = MathF.FusedMultiplyAdd(vals[q], pb[(long)cols[q] * ldb + j], sum);
                    cr[j] = sum;
                }
            }
        }
    }

    /// <summary>
    /// Direct sparse convolution with stride 1 and no dilation ("implicit im2col"): the GEMM column of a weight (c, ki, kj)
    /// is the input plane shifted by <c>c·H·W + ki·W + kj</c>, so each output row is accumulated over a contiguous span of
    /// <c>(OH-1)·W + OW</c> positions laid out at the input's row pitch W (the W - OW columns per row past OW are computed
    /// and dropped). <paramref name="offsets"/> holds each nonzero's shift. Rows start from <paramref name="bias"/>.
    /// Output rows are written at pitch OW.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void ConvolveShifted(ReadOnlySpan<float> input, int[] offsets, int width, int outHeight, int outWidth, ReadOnlySpan<float> bias,
        Span<float> scratch, Span<float> output)
    {
        int span = (outHeight - 1) * width + outWidth;
        int maxOffset = 0;
        foreach (var o in offsets) maxOffset = Math.Max(maxOffset, o);
        if (offsets.Length != NonZeros || (long)maxOffset + span > input.Length) throw new ArgumentException("Input too small for the shifts.");
        if (scratch.Length < span || output.Length < (long)Rows * outHeight * outWidth) throw new ArgumentException("Output too small.");
        fixed (float* pin = input) fixed (float* ps = scratch) fixed (float* pout = output) fixed (int* off = offsets) fixed (float* vals = Values) fixed (int* start = RowStart)
        {
            for (int r = 0; r < Rows; r++)
            {
                int s = start[r], e = start[r + 1];
                float b = bias.IsEmpty ? 0f : bias[r];
                bool direct = width == outWidth;
                float* dst = direct ? pout + (long)r * outHeight * outWidth : ps;
                int j = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    var vb = Vector512.Create(b);
                    for (; j + 64 <= span; j += 64)
                    {
                        Vector512<float> a0 = vb, a1 = vb, a2 = vb, a3 = vb;
                        for (int q = s; q < e; q++)
                        {
                            float* src = pin + off[q] + j;
                            var v = Vector512.Create(vals[q]);
                            a0 = Vector512.FusedMultiplyAdd(v, Vector512.Load(src), a0);
                            a1 = Vector512.FusedMultiplyAdd(v, Vector512.Load(src + 16), a1);
                            a2 = Vector512.FusedMultiplyAdd(v, Vector512.Load(src + 32), a2);
                            a3 = Vector512.FusedMultiplyAdd(v, Vector512.Load(src + 48), a3);
                        }
                        Vector512.Store(a0, dst + j); Vector512.Store(a1, dst + j + 16); Vector512.Store(a2, dst + j + 32); Vector512.Store(a3, dst + j + 48);
                    }
                    for (; j + 16 <= span; j += 16)
                    {
                        var a0 = vb;
                        for (int q = s; q < e; q++) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(vals[q]), Vector512.Load(pin + off[q] + j), a0);
                        Vector512.Store(a0, dst + j);
                    }
                    if (j < span && span >= 16)
                    {
                        // The last partial strip: recompute an overlapping full vector ending at the span's end (same values).
                        j = span - 16;
                        var a0 = vb;
                        for (int q = s; q < e; q++) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(vals[q]), Vector512.Load(pin + off[q] + j), a0);
                        Vector512.Store(a0, dst + j);
                        j = span;
                    }
                }
                for (; j < span; j++)
                {
                    float sum = b;
                    for (int q = s; q < e; q++) sum = MathF.FusedMultiplyAdd(vals[q], pin[off[q] + j], sum);
                    dst[j] = sum;
                }
                if (!direct)
                {
                    float* row = pout + (long)r * outHeight * outWidth;
                    for (int y = 0; y < outHeight; y++)
                        Buffer.MemoryCopy(ps + (long)y * width, row + (long)y * outWidth, (long)outWidth * 4, (long)outWidth * 4);
                }
            }
        }
    }

    // SpMV: one gathered dot product per row, four partial sums to hide FMA latency.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Vector(float* b, int ldb, float* c, int ldc, bool accumulate, int* cols, float* vals, int* start)
    {
        for (int r = 0; r < Rows; r++)
        {
            int q = start[r], e = start[r + 1];
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (; q + 4 <= e; q += 4)
            {
                s0 = MathF.FusedMultiplyAdd(vals[q], b[(long)cols[q] * ldb], s0);
                s1 = MathF.FusedMultiplyAdd(vals[q + 1], b[(long)cols[q + 1] * ldb], s1);
                s2 = MathF.FusedMultiplyAdd(vals[q + 2], b[(long)cols[q + 2] * ldb], s2);
                s3 = MathF.FusedMultiplyAdd(vals[q + 3], b[(long)cols[q + 3] * ldb], s3);
            }
            for (; q < e; q++) s0 = MathF.FusedMultiplyAdd(vals[q], b[(long)cols[q] * ldb], s0);
            float sum = (s0 + s1) + (s2 + s3);
            c[(long)r * ldc] = accumulate ? c[(long)r * ldc] + sum : sum;
        }
    }
}
