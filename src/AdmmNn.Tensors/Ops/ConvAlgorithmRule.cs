using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// Which convolutions run the direct kernel (<see cref="DirectConv"/>) instead of im2col + GEMM. Measured per shape with
/// <c>benchmarks -- conv-kernels</c> and <c>cnn-profile</c> (docs/engine-kernels.md): the direct kernel wins on k×k kernels
/// (k &gt; 1) with up to 128 output channels per group (resnet18-32's 128-channel 4×4 stage: forward 1.43× and the
/// input gradient on it too), except when few output channels meet a short reduction: with 64 output channels and
/// K = Cin·kh·kw = 27 (resnet18's 3-channel stem) the GEMM's 64-row panels are as fast. 1×1 convolutions (any stride)
/// stay on the GEMM, which reads the image (or its strided copy) directly.
/// </summary>
internal static class ConvAlgorithmRule
{
    /// <summary>Most output channels per group the direct kernel takes.</summary>
    public const int MaxOutputChannels = 128;

    /// <summary>
    /// Multiply-adds per image below which a small batch (fewer than two images per thread) is not split across the
    /// threads by output channels: waking a worker for LeNet-5's 1.6M-MAC conv2 at batch 1 cost more CPU than it saved.
    /// </summary>
    public const long SplitImageMacs = 4_000_000;

    /// <summary>
    /// The weight gradient also runs on the direct kernel when its 4-channel × 6-tap tiles cover the output channels and
    /// each tile's sum runs over at least 192 positions (its final horizontal sums are then a small share): resnet-small's
    /// 28² and 14² planes, not LeNet-5's 8×8 conv2 (LeNet-5 training fell 6 % with it there).
    /// </summary>
    public static bool PrefersDirectWeightGradient(DirectConv.Layout layout) => layout.Cout % 4 == 0 && layout.Positions >= 192;

    public static bool PrefersDirect(ConvPlan plan) => PrefersDirect(plan.Cg, plan.CoutG, plan.G);

    /// <summary>The rule on the shape alone: <paramref name="cin"/> and <paramref name="cout"/> channels per group.</summary>
    public static bool PrefersDirect(int cin, int cout, in ConvShape g)
    {
        int taps = g.KernelH * g.KernelW;
        return taps > 1 && cout <= MaxOutputChannels && (cout <= 32 || cin * taps >= 64);
    }
}
