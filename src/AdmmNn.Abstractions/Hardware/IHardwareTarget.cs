namespace AdmmNn.Abstractions.Hardware;

/// <summary>
/// A cost model (or a measurement) of one hardware target, configured by a profile.
/// </summary>
public interface IHardwareTarget
{
    /// <summary>Target name, e.g. <c>fpga</c>.</summary>
    string Name { get; }

    /// <summary>Constraint kinds this target runs best (e.g. <c>block</c>, <c>ternary</c>), most preferred first.</summary>
    IReadOnlyList<string> PreferredConstraints { get; }

    /// <summary>Cost of the layer computed dense (all weights, at the layer's <see cref="LayerWorkload.WeightBits"/>).</summary>
    LayerCost EstimateDense(LayerWorkload layer);

    /// <summary>Cost of the layer in its sparse form at <see cref="LayerWorkload.NonZeros"/>, index overhead included.</summary>
    LayerCost EstimateSparse(LayerWorkload layer);

    /// <summary>
    /// The least pruning ratio (weights / nonzeros, ≥ 1) at which the sparse form is no slower than dense for
    /// this layer; <see cref="double.PositiveInfinity"/> when sparse never catches up.
    /// </summary>
    double BreakEvenPruningRatio(LayerWorkload layer);
}
