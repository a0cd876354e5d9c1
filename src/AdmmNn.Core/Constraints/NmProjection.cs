using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>
/// Projection onto N:M sparsity along the fan-in: in every group of M consecutive columns of a GEMM-view row, at most
/// N nonzeros (the largest magnitudes, lower index first on ties). A last, shorter group in a row also keeps at most N.
/// </summary>
public sealed class NmProjection(WeightLayout layout, int n, int m) : IWeightProjection
{
    /// <inheritdoc />
    public WeightLayout Layout { get; } = layout;

    /// <summary>Nonzeros allowed per group.</summary>
    public int N { get; } = n;

    /// <summary>Group length.</summary>
    public int M { get; } = m;

    /// <inheritdoc />
    public string Describe() => $"{N}:{M} along the fan-in";

    /// <inheritdoc />
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        int rows = Layout.Rows, cols = Layout.Columns;
        Span<double> scores = stackalloc double[M];
        for (var r = 0; r < rows; r++)
        {
            for (var start = 0; start < cols; start += M)
            {
                var len = Math.Min(M, cols - start);
                var offset = r * cols + start;
                for (var j = 0; j < len; j++) scores[j] = Math.Abs(input[offset + j]);
                var keep = TopK.Select(scores[..len], N);
                for (var j = 0; j < len; j++) output[offset + j] = keep[j] ? input[offset + j] : 0f;
            }
        }
    }
}
