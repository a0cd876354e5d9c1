using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>
/// Projection onto {W : at most k nonzero output channels}: keep the k rows of the GEMM view with the largest L2 norm.
/// Keeping a row retains its whole squared norm, so the largest-norm rows minimize the distance.
/// </summary>
public sealed class FilterProjection(WeightLayout layout, int keepCount) : IWeightProjection
{
    /// <inheritdoc />
    public WeightLayout Layout { get; } = layout;

    /// <summary>Filters (output channels) kept.</summary>
    public int KeepCount { get; } = keepCount;

    /// <inheritdoc />
    public string Describe() => $"filter, keep {KeepCount} of {Layout.Rows} output channels";

    /// <inheritdoc />
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        int rows = Layout.Rows, cols = Layout.Columns;
        var scores = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            double s = 0;
            foreach (var v in input.Slice(r * cols, cols)) s += (double)v * v;
            scores[r] = s;
        }
        var keep = TopK.Select(scores, KeepCount);
        for (var r = 0; r < rows; r++)
        {
            var src = input.Slice(r * cols, cols);
            var dst = output.Slice(r * cols, cols);
            if (keep[r]) src.CopyTo(dst); else dst.Clear();
        }
    }
}
