namespace AdmmNn.Core.Hardware;

/// <summary>A model's layers on one target, with totals.</summary>
/// <param name="TargetName">The target.</param>
/// <param name="Layers">Per-layer rows, in graph order.</param>
public sealed record HardwareAnalysis(string TargetName, IReadOnlyList<LayerAnalysis> Layers)
{
    /// <summary>Sum of dense latencies, seconds.</summary>
    public double DenseLatency => Layers.Sum(l => l.Dense.LatencySeconds);

    /// <summary>Sum of current latencies, seconds; a layer pruned below break-even is counted as stored (sparse).</summary>
    public double CurrentLatency => Layers.Sum(l => l.Current.LatencySeconds);

    /// <summary>Sum of dense energies, joules (NaN when the target does not model energy).</summary>
    public double DenseEnergy => Layers.Sum(l => l.Dense.EnergyJoules);

    /// <summary>Sum of current energies, joules (NaN when not modeled).</summary>
    public double CurrentEnergy => Layers.Sum(l => l.Current.EnergyJoules);

    /// <summary>Dense weight storage, bits.</summary>
    public long DenseStorageBits => Layers.Sum(l => l.Dense.StorageBits);

    /// <summary>Current weight storage, bits.</summary>
    public long CurrentStorageBits => Layers.Sum(l => l.Current.StorageBits);

    /// <summary>Whole-model speed-up of the current form over dense.</summary>
    public double SpeedUp => CurrentLatency > 0 ? DenseLatency / CurrentLatency : double.PositiveInfinity;
}
