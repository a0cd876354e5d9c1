using AdmmNn.Abstractions.Hardware;

namespace AdmmNn.Plugins.Targets.Tests;

/// <summary>LeNet-5 layers as workloads, for hand-computed cases.</summary>
internal static class Layers
{
    /// <summary>conv1: 20×1×5×5 over 1×28×28 → 20×24×24; 288,000 MACs, 500 weights.</summary>
    public static LayerWorkload Conv1(int bits = 32) =>
        new("conv1.weight", "Conv", [20, 1, 5, 5], [1, 28, 28], [20, 24, 24], 288_000, 500, 500, bits, 0, "dense");

    /// <summary>fc1: 800 → 500; 400,000 MACs and weights.</summary>
    public static LayerWorkload Fc1(int bits = 32) =>
        new("fc1.weight", "Gemm", [500, 800], [800], [500], 400_000, 400_000, 400_000, bits, 0, "dense");

    /// <summary>Same layer, pruned to <paramref name="nonZeros"/> with <paramref name="structure"/>.</summary>
    public static LayerWorkload Pruned(this LayerWorkload layer, long nonZeros, string structure = "unstructured") =>
        layer.WithNonZeros(nonZeros, structure);
}
