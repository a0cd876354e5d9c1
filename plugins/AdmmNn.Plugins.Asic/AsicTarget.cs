using AdmmNn.Abstractions.Hardware;
using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.Asic;

/// <summary>
/// An ASIC accelerator: a MAC array fed from a memory hierarchy, one sample at a time.
/// <para>Energy = MACs · (multiply + add)(bits) + weight bits / 64 · E64(level holding the weights)
/// + activation bits / 64 · E64(level holding the activations) [+ one index decode per nonzero, or per block].</para>
/// <para>Cycles = max(MACs / macUnits [· imbalance · (1 + decode) when sparse], weight bits / level bandwidth,
/// activation bits / level bandwidth). The sparse form skips pruned MACs and stores
/// nonzeros · (bits + index bits) (block: index per block; filter/channel: no index).</para>
/// <para>The break-even ratio of the contract is the latency one; <see cref="EnergyBreakEvenRatio"/> gives the
/// energy one. Both are found by bisection, since a tensor moving to a smaller memory level is a step.</para>
/// </summary>
public sealed class AsicTarget : IHardwareTarget
{
    /// <summary>The name users pass to <c>--target</c>.</summary>
    public const string TargetName = "asic";

    private readonly AsicProfile profile;

    /// <summary>Creates the target from a validated profile.</summary>
    public AsicTarget(AsicProfile profile)
    {
        profile.Validate();
        this.profile = profile;
    }

    /// <inheritdoc />
    public string Name => TargetName;

    /// <inheritdoc />
    public IReadOnlyList<string> PreferredConstraints { get; } = ["block", "ternary", "unstructured"];

    /// <summary>Energy of one MAC (pJ) for weights of <paramref name="weightBits"/> bits.</summary>
    public double MacEnergyPj(int weightBits)
    {
        var entry = profile.OperationEnergy.Where(e => e.Bits >= weightBits).MinBy(e => e.Bits)
                    ?? profile.OperationEnergy.MaxBy(e => e.Bits)!;
        return entry.MultiplyPj + entry.AddPj;
    }

    /// <summary>The first memory level that holds <paramref name="bits"/>.</summary>
    public MemoryLevel LevelFor(double bits) => profile.MemoryLevels.First(l => l.Holds(bits));

    /// <summary>On-chip SRAM area (mm²) to hold <paramref name="storageBits"/>.</summary>
    public double StorageAreaMm2(double storageBits) => storageBits * profile.SramAreaUm2PerBit / 1e6;

    /// <inheritdoc />
    public LayerCost EstimateDense(LayerWorkload layer) => Estimate(layer, 1.0, "dense");

    /// <inheritdoc />
    public LayerCost EstimateSparse(LayerWorkload layer)
    {
        if (layer.Structure == "dense") return EstimateDense(layer);
        var fraction = layer.Weights == 0 ? 0 : (double)layer.NonZeros / layer.Weights;
        return Estimate(layer, fraction, layer.Structure);
    }

    /// <inheritdoc />
    public double BreakEvenPruningRatio(LayerWorkload layer)
    {
        var structure = layer.Structure == "dense" ? "unstructured" : layer.Structure;
        var dense = EstimateDense(layer).LatencySeconds;
        return BreakEvenSearch.Ratio(x => Estimate(layer, x, structure).LatencySeconds, dense);
    }

    /// <summary>The least pruning ratio at which the sparse form uses no more energy than dense.</summary>
    public double EnergyBreakEvenRatio(LayerWorkload layer)
    {
        var structure = layer.Structure == "dense" ? "unstructured" : layer.Structure;
        var dense = EstimateDense(layer).EnergyJoules;
        return BreakEvenSearch.Ratio(x => Estimate(layer, x, structure).EnergyJoules, dense);
    }

    private LayerCost Estimate(LayerWorkload layer, double fraction, string structure)
    {
        var sparse = structure != "dense";
        var nonZeros = layer.Weights * fraction;
        var indexBits = layer.IndexBits > 0 ? layer.IndexBits : profile.DefaultIndexBits;
        double storage, indexDecodes, imbalance = 1, decodeCycles = 0;
        if (!sparse || SparseStructures.IsCoarse(structure))
        {
            storage = nonZeros * layer.WeightBits;
            indexDecodes = 0;
        }
        else if (SparseStructures.IsBlock(structure))
        {
            storage = nonZeros * layer.WeightBits + nonZeros / profile.BlockSize * indexBits;
            indexDecodes = nonZeros / profile.BlockSize;
            (imbalance, decodeCycles) = (profile.BlockImbalance, profile.IndexDecodeCycles / profile.BlockSize);
        }
        else
        {
            storage = nonZeros * (layer.WeightBits + indexBits);
            indexDecodes = nonZeros;
            (imbalance, decodeCycles) = (profile.UnstructuredImbalance, profile.IndexDecodeCycles);
        }

        var macs = layer.DenseMacs * fraction;
        var activationBits = (double)(Elements(layer.InputShape) + Elements(layer.OutputShape)) * profile.ActivationBits;
        var weightLevel = LevelFor(storage);
        var activationLevel = LevelFor(activationBits);

        var computeCycles = macs / profile.MacUnits * imbalance * (1 + decodeCycles);
        var weightCycles = storage / weightLevel.BitsPerCycle;
        var activationCycles = activationBits / activationLevel.BitsPerCycle;
        var cycles = Math.Max(computeCycles, Math.Max(weightCycles, activationCycles));

        var energyPj = macs * MacEnergyPj(layer.WeightBits)
                       + storage / 64 * weightLevel.EnergyPer64BitPj
                       + activationBits / 64 * activationLevel.EnergyPer64BitPj
                       + indexDecodes * profile.IndexDecodePj;
        var bound = cycles == computeCycles ? "compute-bound" : cycles == weightCycles ? "weight-fetch-bound" : "activation-bound";
        var note = $"{bound}; weights in {weightLevel.Name}, {StorageAreaMm2(storage):0.###} mm2 SRAM";
        return new LayerCost(cycles / (profile.ClockMHz * 1e6), energyPj * 1e-12, (long)Math.Ceiling(storage), note);
    }

    private static long Elements(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);
}
