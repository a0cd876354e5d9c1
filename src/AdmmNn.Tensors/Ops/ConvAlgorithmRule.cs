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

    /// <summary>
    /// Training: the weight gradient runs on <see cref="DirectWeightGradient"/> (outer products over output channels, no
    /// column matrix) for k×k kernels (k &gt; 1) whose output channels are a multiple of 64 (docs/engine-kernels.md, "Training").
    /// </summary>
    public static bool PrefersOuterProductWeightGradient(DirectConv.Layout layout) =>
        layout.G.KernelH * layout.G.KernelW > 1 && DirectWeightGradient.Supports(layout);

    /// <summary>
    /// Training: the forward and the stride-1 input gradient run on <see cref="OuterProductConv"/> (6 positions × 64
    /// output channels per register tile, no dropped grid positions) for k×k kernels whose output channels are a
    /// multiple of 64 (docs/engine-kernels.md, "Training").
    /// </summary>
    public static bool PrefersOuterProduct(DirectConv.Layout layout) =>
        layout.G.KernelH * layout.G.KernelW > 1 && OuterProductConv.Supports(layout);

    /// <summary>
    /// Evaluation-mode forwards that run Winograd F(4×4, 3×3) (<see cref="WinogradConv"/>, 3×3 stride 1, rows ≤ 28 wide),
    /// measured with <c>benchmarks -- conv-kernels --batch 256</c> (docs/engine-kernels.md, "Winograd"): 0.66–0.69× the
    /// direct kernel's CPU time at 16→16 28², 32→32 14², 64→64 7²; 1.13–1.63× (slower) for the 1-channel stem.
    /// </summary>
    public static bool PrefersWinograd(ConvPlan plan) => PrefersWinograd(plan.Cg, plan.CoutG, plan.G, plan.N);

    /// <summary>
    /// The Winograd rule on the shape alone (<paramref name="n"/>: images in the batch). Batches of fewer than two image
    /// blocks (2 images of 28², 6 of 14², 24 of 7²) keep the direct kernel, which splits their images across the threads;
    /// the cut depends on the shape only, never on the thread count.
    /// </summary>
    public static bool PrefersWinograd(int cin, int cout, in ConvShape g, int n) =>
        WinogradConv.Supports(g) && cin >= WinogradMinChannels && cout >= WinogradMinChannels && n >= 2 * WinogradConv.BlockImages(g);

    /// <summary>
    /// Fewest input and output channels for Winograd: with one input channel (the stem) the transforms outweigh the
    /// multiplies saved; 16 is the smallest count measured to win (counts between were not measured).
    /// </summary>
    public const int WinogradMinChannels = 16;

    /// <summary>
    /// Evaluation-mode forwards of one input channel, 3×3 "same" (resnet-small's stem) run <see cref="SingleChannelConv"/>:
    /// measured with <c>benchmarks -- conv-kernels --batch 256 --only stem</c> against the direct kernel (docs/engine-kernels.md,
    /// "Stage 1 and the stem").
    /// </summary>
    public static bool PrefersSingleChannel(int cin, in ConvShape g) => cin == 1 && SingleChannelConv.Supports(g);

    public static bool PrefersDirect(ConvPlan plan) => PrefersDirect(plan.Cg, plan.CoutG, plan.G);

    /// <summary>The rule on the shape alone: <paramref name="cin"/> and <paramref name="cout"/> channels per group.</summary>
    public static bool PrefersDirect(int cin, int cout, in ConvShape g)
    {
        int taps = g.KernelH * g.KernelW;
        return taps > 1 && cout <= MaxOutputChannels && (cout <= 32 || cin * taps >= 64);
    }
}
