namespace AdmmNn.Core.Hardware;

/// <summary>The hardware-aware step's output: one decision per layer, in the order given.</summary>
/// <param name="TargetName">The target.</param>
/// <param name="Layers">Per-layer decisions.</param>
public sealed record HardwareAwarePlan(string TargetName, IReadOnlyList<HardwareAwareDecision> Layers)
{
    /// <summary>Overall requested ratio (total weights / total requested nonzeros).</summary>
    public double RequestedOverallRatio => Overall(d => d.RequestedRatio);

    /// <summary>Overall adjusted ratio.</summary>
    public double AdjustedOverallRatio => Overall(d => d.AdjustedRatio);

    /// <summary>The decision for <paramref name="layerName"/>, or null.</summary>
    public HardwareAwareDecision? For(string layerName) => Layers.FirstOrDefault(d => d.LayerName == layerName);

    /// <summary>
    /// The compressed model's <paramref name="workloads"/> as this plan deploys them: a layer the plan kept dense runs
    /// dense on the target at its stored code width, even when its levels hold zeros (a ternary layer's zero level), since
    /// the plan kept it dense because the sparse form would be slower there. The other layers are returned as they are.
    /// </summary>
    public IReadOnlyList<Abstractions.Hardware.LayerWorkload> AsDeployed(IReadOnlyList<Abstractions.Hardware.LayerWorkload> workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        return [.. workloads.Select(w => For(w.Name) is { KeepDense: true } ? w with { NonZeros = w.Weights, IndexBits = 0, Structure = "dense" } : w)];
    }

    private double Overall(Func<HardwareAwareDecision, double> ratio)
    {
        var weights = Layers.Sum(d => (double)d.Weights);
        var kept = Layers.Sum(d => d.Weights / Math.Max(1.0, ratio(d)));
        return kept > 0 ? weights / kept : double.PositiveInfinity;
    }
}
