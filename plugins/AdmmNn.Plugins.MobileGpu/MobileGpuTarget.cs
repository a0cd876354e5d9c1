using AdmmNn.Abstractions.Hardware;
using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.MobileGpu;

/// <summary>
/// A roofline: time = max(2·MACs / throughput, bytes / bandwidth) + launch overhead. The sparse form runs at
/// throughput · efficiency(structure) and moves nonzeros · (bits + index bits) of weights.
/// <para>With kept fraction x both terms are linear in x, so the break-even is closed form: with D = dense time − launch,
/// α = 2·MACs / (throughput·e), β = weights · storage bits per weight / 8 / bandwidth and γ = activation bytes / bandwidth,
/// sparse ≤ dense ⇔ x ≤ min(D/α, (D − γ)/β); the ratio is 1 / that (1 when ≥ 1).</para>
/// </summary>
public sealed class MobileGpuTarget : IHardwareTarget
{
    /// <summary>The name users pass to <c>--target</c>.</summary>
    public const string TargetName = "mobile-gpu";

    private readonly MobileGpuProfile profile;

    /// <summary>Creates the target from a validated profile.</summary>
    public MobileGpuTarget(MobileGpuProfile profile)
    {
        profile.Validate();
        this.profile = profile;
    }

    /// <inheritdoc />
    public string Name => TargetName;

    /// <inheritdoc />
    public IReadOnlyList<string> PreferredConstraints { get; } = ["filter", "channel", "block", "n:m"];

    /// <summary>Fraction of peak throughput the sparse kernel for <paramref name="structure"/> reaches.</summary>
    public double Efficiency(string structure) =>
        SparseStructures.IsCoarse(structure) ? 1.0
        : SparseStructures.IsBlock(structure) ? profile.BlockSparseEfficiency
        : SparseStructures.IsNOfM(structure) ? profile.NOfMSparseEfficiency
        : profile.SparseEfficiency;

    /// <summary>Weight storage bits per kept weight for <paramref name="structure"/>.</summary>
    public double StorageBitsPerNonZero(LayerWorkload layer, string structure)
    {
        var indexBits = layer.IndexBits > 0 ? layer.IndexBits : profile.DefaultIndexBits;
        return SparseStructures.IsCoarse(structure) ? layer.WeightBits
            : SparseStructures.IsBlock(structure) ? layer.WeightBits + (double)indexBits / profile.BlockSize
            : layer.WeightBits + indexBits;
    }

    /// <inheritdoc />
    public LayerCost EstimateDense(LayerWorkload layer) => Estimate(layer, 1.0, "dense");

    /// <inheritdoc />
    public LayerCost EstimateSparse(LayerWorkload layer)
    {
        if (layer.Structure == "dense") return EstimateDense(layer);
        return Estimate(layer, layer.Weights == 0 ? 0 : (double)layer.NonZeros / layer.Weights, layer.Structure);
    }

    /// <inheritdoc />
    public double BreakEvenPruningRatio(LayerWorkload layer)
    {
        var structure = layer.Structure == "dense" ? "unstructured" : layer.Structure;
        var d = EstimateDense(layer).LatencySeconds - Launch;
        var alpha = 2.0 * layer.DenseMacs / (Flops * Efficiency(structure));
        var beta = layer.Weights * StorageBitsPerNonZero(layer, structure) / 8 / Bandwidth;
        var gamma = ActivationBits(layer) / 8 / Bandwidth;
        var x = Math.Min(alpha > 0 ? d / alpha : double.PositiveInfinity, beta > 0 ? (d - gamma) / beta : double.PositiveInfinity);
        if (x <= 0) return double.PositiveInfinity;
        return x >= 1 ? 1.0 : 1.0 / x;
    }

    private double Flops => profile.PeakGflops * 1e9;

    private double Bandwidth => profile.BandwidthGBps * 1e9;

    private double Launch => profile.LaunchOverheadMicroseconds * 1e-6;

    private double ActivationBits(LayerWorkload layer) =>
        (double)(Elements(layer.InputShape) + Elements(layer.OutputShape)) * profile.ActivationBits;

    private LayerCost Estimate(LayerWorkload layer, double fraction, string structure)
    {
        var efficiency = structure == "dense" ? 1.0 : Efficiency(structure);
        var storage = structure == "dense" ? (double)layer.Weights * layer.WeightBits : layer.Weights * fraction * StorageBitsPerNonZero(layer, structure);
        var compute = 2.0 * layer.DenseMacs * fraction / (Flops * efficiency);
        var memory = (storage + ActivationBits(layer)) / 8 / Bandwidth;
        var note = compute >= memory ? "compute-bound" : "memory-bound";
        return new LayerCost(Math.Max(compute, memory) + Launch, double.NaN, (long)Math.Ceiling(storage), note);
    }

    private static long Elements(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);
}
