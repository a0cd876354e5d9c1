namespace AdmmNn.Core.Hardware;

/// <summary>Names the sparsity structure of a weight tensor from its zero pattern (the <c>LayerWorkload.Structure</c> values).</summary>
public static class WeightStructure
{
    private static readonly (int Rows, int Columns)[] BlockShapes =
        [(4, 4), (1, 16), (16, 1), (2, 4), (4, 2), (1, 8), (8, 1), (2, 2), (1, 4), (4, 1)];

    /// <summary>
    /// <c>dense</c> (no zeros), <c>filter</c> (whole output rows zero, the rest full), <c>channel</c> (whole input-channel
    /// slices zero), <c>block</c> (every aligned block of one of the usual shapes all zero or all nonzero in the GEMM view),
    /// else <c>unstructured</c>.
    /// </summary>
    public static string Detect(ReadOnlySpan<float> weights, int[] shape)
    {
        var nonZeros = 0;
        foreach (var w in weights) if (w != 0f) nonZeros++;
        if (nonZeros == weights.Length || weights.Length == 0) return "dense";
        var rows = shape.Length == 0 ? 1 : shape[0];
        var columns = weights.Length / rows;
        var kernelArea = shape.Length <= 2 ? 1 : shape.Skip(2).Aggregate(1, (a, d) => a * d);
        if (nonZeros > 0 && AllOrNothing(weights, rows, columns, rows == 0 ? 1 : 1, columns)) return "filter";
        if (nonZeros > 0 && IsChannelPruned(weights, rows, columns, kernelArea)) return "channel";
        foreach (var (r, c) in BlockShapes)
            if (r <= rows && c <= columns && AllOrNothing(weights, rows, columns, r, c)) return "block";
        return "unstructured";
    }

    /// <summary>Every aligned r×c block of the rows×columns view is all zero or all nonzero.</summary>
    private static bool AllOrNothing(ReadOnlySpan<float> w, int rows, int columns, int r, int c)
    {
        for (var br = 0; br < rows; br += r)
        for (var bc = 0; bc < columns; bc += c)
        {
            int count = 0, size = 0;
            for (var i = br; i < Math.Min(rows, br + r); i++)
            for (var j = bc; j < Math.Min(columns, bc + c); j++)
            {
                size++;
                if (w[i * columns + j] != 0f) count++;
            }
            if (count != 0 && count != size) return false;
        }
        return true;
    }

    /// <summary>Whole input channels (a kernel-area slice in every filter) are zero and the rest full.</summary>
    private static bool IsChannelPruned(ReadOnlySpan<float> w, int rows, int columns, int kernelArea)
    {
        var channels = columns / kernelArea;
        for (var ch = 0; ch < channels; ch++)
        {
            int count = 0;
            for (var r = 0; r < rows; r++)
            for (var k = 0; k < kernelArea; k++)
                if (w[r * columns + ch * kernelArea + k] != 0f) count++;
            if (count != 0 && count != rows * kernelArea) return false;
        }
        return true;
    }
}
