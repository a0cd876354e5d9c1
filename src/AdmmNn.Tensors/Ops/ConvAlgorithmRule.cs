using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Ops;

/// <summary>Which shapes run the direct kernel instead of im2col + GEMM (measured: docs/engine-kernels.md).</summary>
internal static class ConvAlgorithmRule
{
    public static bool PrefersDirect(ConvPlan plan) => PrefersDirect(plan.Cg, plan.CoutG, plan.G);

    /// <summary>The rule on the shape alone: <paramref name="cin"/> and <paramref name="cout"/> channels per group.</summary>
    public static bool PrefersDirect(int cin, int cout, in ConvShape g) => g.KernelH * g.KernelW > 1 && cout <= 64;
}
