using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>
/// Projection onto {W : at most k nonzero r×c blocks} in the GEMM view (rows = output channels). The grid starts at
/// (0,0); blocks on the right and bottom edges may be smaller. Keep the k blocks with the largest L2 norm (a kept block
/// retains its whole squared norm, whatever its size, so this is exact).
/// </summary>
public sealed class BlockProjection(WeightLayout layout, int blockRows, int blockColumns, int keepCount) : IWeightProjection
{
    /// <inheritdoc />
    public WeightLayout Layout { get; } = layout;

    /// <summary>Block height (rows of the GEMM view).</summary>
    public int BlockRows { get; } = blockRows;

    /// <summary>Block width (columns of the GEMM view).</summary>
    public int BlockColumns { get; } = blockColumns;

    /// <summary>Blocks kept.</summary>
    public int KeepCount { get; } = keepCount;

    /// <summary>Number of blocks down the rows.</summary>
    public int GridRows => (Layout.Rows + BlockRows - 1) / BlockRows;

    /// <summary>Number of blocks across the columns.</summary>
    public int GridColumns => (Layout.Columns + BlockColumns - 1) / BlockColumns;

    /// <inheritdoc />
    public string Describe() => $"block {BlockRows}x{BlockColumns}, keep {KeepCount} of {GridRows * GridColumns} blocks";

    /// <inheritdoc />
    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        int cols = Layout.Columns, gridCols = GridColumns;
        var scores = new double[GridRows * gridCols];
        for (var i = 0; i < input.Length; i++) scores[BlockOf(i, cols, gridCols)] += (double)input[i] * input[i];
        var keep = TopK.Select(scores, KeepCount);
        for (var i = 0; i < input.Length; i++) output[i] = keep[BlockOf(i, cols, gridCols)] ? input[i] : 0f;
    }

    private int BlockOf(int index, int cols, int gridCols) => index / cols / BlockRows * gridCols + index % cols / BlockColumns;
}
