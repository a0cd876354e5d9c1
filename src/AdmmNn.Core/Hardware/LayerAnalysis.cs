using AdmmNn.Abstractions.Hardware;

namespace AdmmNn.Core.Hardware;

/// <summary>One layer on one target: its workload, break-even ratio, and the dense and current (as stored) costs.</summary>
/// <param name="Workload">The layer as it is now (nonzeros, bits, structure).</param>
/// <param name="BreakEvenRatio">Least weights/nonzeros at which the sparse form is no slower than dense.</param>
/// <param name="Dense">Cost of the dense layer at its current bit width.</param>
/// <param name="Current">Cost of the layer as it is now (sparse form when pruned, else dense).</param>
public sealed record LayerAnalysis(LayerWorkload Workload, double BreakEvenRatio, LayerCost Dense, LayerCost Current)
{
    /// <summary>Current pruning ratio, weights / nonzeros.</summary>
    public double CurrentRatio => Workload.PruningRatio;

    /// <summary>Dense latency over current latency (&gt; 1: the current form is faster).</summary>
    public double SpeedUp => Current.LatencySeconds > 0 ? Dense.LatencySeconds / Current.LatencySeconds : double.PositiveInfinity;

    /// <summary>True when the layer is pruned at or beyond its break-even ratio, so its sparse form pays.</summary>
    public bool SparsePays => Workload.NonZeros < Workload.Weights && CurrentRatio >= BreakEvenRatio;
}
