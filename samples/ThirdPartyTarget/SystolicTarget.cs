using AdmmNn.Abstractions.Hardware;

namespace Acme.AdmmNn.Systolic;

/// <summary>
/// A rows × columns weight-stationary systolic array. The GEMM view of a layer (out × fan-in) is cut into tiles of
/// rows × columns weights; each tile is loaded, then streams every output position through the array:
/// cycles per tile = positions + rows + columns (fill and drain). The array can only skip a tile that is entirely
/// zero (block sparsity), at the price of one cycle per tile to read the tile bitmap; scattered zeros save nothing.
/// Break-even for block sparsity is closed form: x · t + 1 ≤ t with t = positions + rows + columns, ratio t / (t − 1).
/// </summary>
public sealed class SystolicTarget(int rows, int columns, double clockMHz) : IHardwareTarget
{
    /// <inheritdoc />
    public string Name => "acme-systolic";

    /// <inheritdoc />
    public IReadOnlyList<string> PreferredConstraints { get; } = ["block"];

    /// <inheritdoc />
    public LayerCost EstimateDense(LayerWorkload layer) =>
        new(Tiles(layer) * TileCycles(layer) / (clockMHz * 1e6), double.NaN, layer.Weights * layer.WeightBits, "dense tiles");

    /// <inheritdoc />
    public LayerCost EstimateSparse(LayerWorkload layer)
    {
        if (!layer.Structure.StartsWith("block", StringComparison.Ordinal) || layer.NonZeros == layer.Weights)
            return EstimateDense(layer) with { Notes = "no tile is empty: scattered zeros are not skipped" };
        var tiles = Tiles(layer);
        var kept = Math.Ceiling(tiles * (double)layer.NonZeros / layer.Weights);
        var cycles = kept * TileCycles(layer) + tiles;
        return new LayerCost(cycles / (clockMHz * 1e6), double.NaN, layer.NonZeros * layer.WeightBits + (long)tiles, "empty tiles skipped");
    }

    /// <inheritdoc />
    public double BreakEvenPruningRatio(LayerWorkload layer)
    {
        if (!layer.Structure.StartsWith("block", StringComparison.Ordinal)) return double.PositiveInfinity;
        var t = TileCycles(layer);
        return t / (t - 1);
    }

    private double Tiles(LayerWorkload layer)
    {
        var outputs = layer.WeightShape[0];
        var fanIn = layer.Weights / outputs;
        return Math.Ceiling((double)outputs / rows) * Math.Ceiling((double)fanIn / columns);
    }

    private double TileCycles(LayerWorkload layer)
    {
        // Output positions per sample: spatial size of the output for Conv, 1 for dense layers.
        var positions = layer.OutputShape.Length > 1 ? layer.OutputShape.Skip(1).Aggregate(1L, (a, d) => a * d) : 1;
        return positions + rows + columns;
    }
}
