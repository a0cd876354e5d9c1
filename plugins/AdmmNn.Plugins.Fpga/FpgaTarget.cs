using AdmmNn.Abstractions.Hardware;
using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.Fpga;

/// <summary>
/// A processing-element array on an FPGA, one sample at a time.
/// <para>Parallel MACs per cycle P = min(peCount, dspCount / dspsPerMac(bits)); for ≤ 2-bit (ternary) weights
/// P = peCount · ternaryAddsPerPe, since multiplications become additions.</para>
/// <para>Dense cycles = max(MACs / P, memory bits / (bandwidth bits per cycle)); memory bits are the activations in
/// and out plus the weights when they do not fit in BRAM.</para>
/// <para>Sparse cycles = max(MACs·x / P · imbalance · (1 + decode), memory), x = nonzeros / weights, where
/// imbalance and decode depend on the structure: unstructured (imbalance, indexDecodeCycles), block
/// (blockImbalance, indexDecodeCycles / blockSize), n:m (nOfMImbalance, indexDecodeCycles), filter/channel (1, 0).
/// When both forms are compute-bound the break-even ratio is the closed form imbalance · (1 + decode); the target
/// finds it by bisection because the BRAM fit makes memory traffic a step function of x.</para>
/// <para>Energy is not modeled (NaN).</para>
/// </summary>
public sealed class FpgaTarget : IHardwareTarget
{
    /// <summary>The name users pass to <c>--target</c>.</summary>
    public const string TargetName = "fpga";

    private readonly FpgaProfile profile;

    /// <summary>Creates the target from a validated profile.</summary>
    public FpgaTarget(FpgaProfile profile)
    {
        profile.Validate();
        this.profile = profile;
    }

    /// <inheritdoc />
    public string Name => TargetName;

    /// <inheritdoc />
    public IReadOnlyList<string> PreferredConstraints { get; } = ["block", "ternary"];

    /// <summary>MACs the array completes per cycle for weights of <paramref name="weightBits"/> bits.</summary>
    public double MacsPerCycle(int weightBits)
    {
        if (weightBits <= 2) return (double)profile.PeCount * profile.TernaryAddsPerPe;
        var dsps = weightBits > 16 ? profile.DspsPerMacFloat32 : weightBits > 8 ? profile.DspsPerMac16Bit : profile.DspsPerMac8Bit;
        return Math.Min(profile.PeCount, profile.DspCount / dsps);
    }

    /// <summary>Load imbalance and extra decode cycles per nonzero for a sparsity structure.</summary>
    public (double Imbalance, double DecodeCycles) StructureOverhead(string structure)
    {
        if (SparseStructures.IsCoarse(structure)) return (1.0, 0.0);
        if (SparseStructures.IsBlock(structure)) return (profile.BlockImbalance, profile.IndexDecodeCycles / profile.BlockSize);
        if (SparseStructures.IsNOfM(structure)) return (profile.NOfMImbalance, profile.IndexDecodeCycles);
        return (profile.UnstructuredImbalance, profile.IndexDecodeCycles);
    }

    /// <summary>Weight storage bits of the sparse form with <paramref name="nonZeros"/> kept.</summary>
    public double SparseStorageBits(LayerWorkload layer, double nonZeros, string structure)
    {
        var indexBits = layer.IndexBits > 0 ? layer.IndexBits : profile.DefaultIndexBits;
        if (SparseStructures.IsCoarse(structure)) return nonZeros * layer.WeightBits;
        if (SparseStructures.IsBlock(structure)) return nonZeros * layer.WeightBits + nonZeros / profile.BlockSize * indexBits;
        return nonZeros * (layer.WeightBits + indexBits);
    }

    /// <inheritdoc />
    public LayerCost EstimateDense(LayerWorkload layer)
    {
        var storage = (double)layer.Weights * layer.WeightBits;
        var (cycles, note) = Cycles(layer.DenseMacs / MacsPerCycle(layer.WeightBits), storage, layer);
        return new LayerCost(cycles / Hz, double.NaN, (long)Math.Ceiling(storage), note);
    }

    /// <inheritdoc />
    public LayerCost EstimateSparse(LayerWorkload layer)
    {
        if (layer.Structure == "dense" || layer.NonZeros == layer.Weights && layer.IndexBits == 0) return EstimateDense(layer);
        var fraction = layer.Weights == 0 ? 0 : (double)layer.NonZeros / layer.Weights;
        var (cycles, note, storage) = SparseCycles(layer, fraction, layer.Structure);
        return new LayerCost(cycles / Hz, double.NaN, (long)Math.Ceiling(storage), note);
    }

    /// <inheritdoc />
    public double BreakEvenPruningRatio(LayerWorkload layer)
    {
        var structure = layer.Structure == "dense" ? "unstructured" : layer.Structure;
        var dense = EstimateDense(layer).LatencySeconds * Hz;
        return BreakEvenSearch.Ratio(x => SparseCycles(layer, x, structure).Cycles, dense);
    }

    private double Hz => profile.ClockMHz * 1e6;

    private double BitsPerCycle => profile.BandwidthGBps * 8e9 / Hz;

    private (double Cycles, string Note, double Storage) SparseCycles(LayerWorkload layer, double fraction, string structure)
    {
        var (imbalance, decode) = StructureOverhead(structure);
        var compute = layer.DenseMacs * fraction / MacsPerCycle(layer.WeightBits) * imbalance * (1 + decode);
        var storage = SparseStorageBits(layer, layer.Weights * fraction, structure);
        var (cycles, note) = Cycles(compute, storage, layer);
        return (cycles, note, storage);
    }

    private (double Cycles, string Note) Cycles(double computeCycles, double weightStorageBits, LayerWorkload layer)
    {
        var onChip = weightStorageBits <= profile.BramKilobits * 1024;
        var activationBits = (double)(Elements(layer.InputShape) + Elements(layer.OutputShape)) * profile.ActivationBits;
        var memoryCycles = ((onChip ? 0 : weightStorageBits) + activationBits) / BitsPerCycle;
        return computeCycles >= memoryCycles
            ? (computeCycles, onChip ? "compute-bound" : "compute-bound, weights off-chip")
            : (memoryCycles, onChip ? "memory-bound" : "memory-bound, weights off-chip");
    }

    private static long Elements(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);
}
