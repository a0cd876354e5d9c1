using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// Evaluation pass: a ResNet block's first convolution and its 1×1 projection shortcut in one pass over the images
/// (docs/engine-kernels.md, "Stride-2 blocks"). Both read the same input with the same stride, and the projection's one
/// tap is a tap of the first convolution's padded window (3×3/2 pad 1 with 1×1/2 pad 0: tap (1, 1), input pixel
/// (2i, 2j)), so each image is split into its stride phases once (<see cref="DirectConv.PrepareInput"/>) and the
/// projection runs on the direct kernel over that same buffer (<see cref="DirectConv.Layout.Projection"/>) while it is
/// in cache, instead of subsampling the input again in its own pass.
/// </summary>
internal sealed partial class ConvOp
{
    private DirectConv.Layout? _projectionLayout;
    private float[] _projectionWeights = [];
    private float[] _projectionBias = [];
    private long _projectionStamp = -1;
    private DirectConv.Layout? _projectionPackedLayout;

    /// <summary>
    /// Runs this convolution (with <paramref name="own"/>, into value <paramref name="outputId"/>) and
    /// <paramref name="projection"/> (with <paramref name="other"/>, into <paramref name="projectionOutputId"/>) in one
    /// pass when this one takes the direct kernel and the projection is a 1×1 convolution of the same input with the same
    /// stride and output grid whose tap lies in this one's window; returns false (nothing run) otherwise.
    /// </summary>
    internal bool TryForwardFusedWithProjection(ExecutionState s, in FusedConvArguments own, int outputId, ConvOp projection, in FusedConvArguments other,
        int projectionOutputId)
    {
        if (s.Training || projection == this || projection.In[0] != In[0] || projection._group != 1)
        {
            return false;
        }

        var x = Input(s, 0);
        var plan = Plan(x, Input(s, 1));
        var projected = projection.Plan(x, projection.Input(s, 1));
        if (!TakesDirectInEvaluation(plan) || !ProjectionTap(plan.G, projected.G, out int row, out int column)
            || (own.Bias is { } b && b.Length != plan.Cout) || (other.Bias is { } pb && pb.Length != projected.Cout))
        {
            return false;
        }

        BeginFusedCall(own.WeightsUnchanged);
        projection.BeginFusedCall(other.WeightsUnchanged);
        try
        {
            var layout = PackDirectWeights(plan, own.Weights, own.Bias);
            var key = (layout, projected.Cout, row, column);
            if (_projectionLayout is not { } tap || _projectionKey != key)
            {
                _projectionLayout = tap = DirectConv.Layout.Projection(layout, projected.Cout, row, column);
                _projectionKey = key;
            }

            projection.PackProjectionWeights(tap, other.Weights, other.Bias);
            var y = s.Output(outputId, [plan.N, plan.Cout, plan.G.OutH, plan.G.OutW]);
            var shortcut = s.Output(projectionOutputId, [plan.N, projected.Cout, plan.G.OutH, plan.G.OutW]);
            RunWithProjection(layout, tap, plan.N, x.Data, plan.Cin * plan.InHW, y.Data, own.Epilogue, projection, shortcut.Data, other.Epilogue, Workers.Threads);
        }
        finally
        {
            projection.EndFusedCall();
            EndFusedCall();
        }

        return true;
    }

    /// <summary>What <see cref="_projectionLayout"/> was built from: the source layout, the projection's channels and its tap.</summary>
    private (DirectConv.Layout? Source, int Cout, int Row, int Column) _projectionKey;

    /// <summary>Whether the evaluation forward of <paramref name="plan"/> runs on the direct kernel.</summary>
    private bool TakesDirectInEvaluation(ConvPlan plan) => ForwardKernelFor(plan, training: false) == ForwardKernel.Direct;

    /// <summary>
    /// Whether the 1×1 convolution <paramref name="projection"/> reads, at every output, the input pixel that tap
    /// (<paramref name="row"/>, <paramref name="column"/>) of <paramref name="g"/>'s padded window reads: same stride and
    /// output grid, and the difference of the top/left pads a tap inside the window.
    /// </summary>
    internal static bool ProjectionTap(in ConvShape g, in ConvShape projection, out int row, out int column)
    {
        row = g.PadTop - projection.PadTop;
        column = g.PadLeft - projection.PadLeft;
        return projection.KernelH == 1 && projection.KernelW == 1 && projection.StrideH == g.StrideH && projection.StrideW == g.StrideW
            && projection.OutH == g.OutH && projection.OutW == g.OutW && projection.InH == g.InH && projection.InW == g.InW
            && row >= 0 && column >= 0 && row <= (g.KernelH - 1) * g.DilationH && column <= (g.KernelW - 1) * g.DilationW;
    }

    /// <summary>The projection's weights packed for the direct kernel on <paramref name="tap"/> (reused when unchanged).</summary>
    private void PackProjectionWeights(DirectConv.Layout tap, float[] wd, float[]? bias) =>
        PackForDirect(tap, wd, bias, ref _projectionWeights, ref _projectionBias, ref _projectionStamp, ref _projectionPackedLayout);

    /// <summary>
    /// Packs <paramref name="wd"/> and <paramref name="bias"/> for the direct kernel on <paramref name="layout"/> into
    /// <paramref name="packed"/> and <paramref name="packedBias"/> (grown when short), unless they already hold this
    /// fused call's weights packed for that same layout (<paramref name="stamp"/>, <paramref name="packedLayout"/>).
    /// </summary>
    private void PackForDirect(DirectConv.Layout layout, float[] wd, float[]? bias, ref float[] packed, ref float[] packedBias, ref long stamp,
        ref DirectConv.Layout? packedLayout)
    {
        if (packed.Length < layout.PackedWeightFloats || packedBias.Length < layout.Blocks * DirectConv.ChannelBlock)
        {
            packed = new float[layout.PackedWeightFloats];
            packedBias = new float[layout.Blocks * DirectConv.ChannelBlock];
        }

        if (!CanReuseDerived(stamp) || !ReferenceEquals(packedLayout, layout))
        {
            DirectConv.PackWeights(layout, wd, bias, packed, packedBias);
            stamp = DerivedStamp;
            packedLayout = layout;
        }
    }

    /// <summary>
    /// Work items are (image, range of the output-channel blocks of both convolutions, this one's first); as in
    /// <c>RunDirect</c> an image is split across the threads only when there are fewer than two images per thread. Each
    /// item prepares its image once and computes its blocks from it; every output is computed by one item in one order,
    /// so results do not depend on the thread count.
    /// </summary>
    private void RunWithProjection(DirectConv.Layout layout, DirectConv.Layout tap, int n, float[] xd, int inSize, float[] yd, ConvEpilogue epilogue,
        ConvOp projection, float[] shortcut, ConvEpilogue shortcutEpilogue, int threads)
    {
        int own = layout.Blocks, blocks = own + tap.Blocks;
        long macs = layout.IssuedMacs + tap.IssuedMacs;
        int splits = n >= 2 * threads || macs < ConvAlgorithmRule.SplitImageMacs ? 1 : Math.Min(blocks, threads);
        int items = n * splits, plane = layout.G.OutH * layout.G.OutW, outSize = layout.Cout * plane, shortcutSize = tap.Cout * plane;
        var buffers = _workspace.Get(Math.Min(threads, items), layout.InputFloats, layout.StagingFloats);
        float[] packed = _directWeights, packedBias = _directBias, tapPacked = projection._projectionWeights, tapBias = projection._projectionBias;
        Workers.For(items, macs / splits, threads, (item, worker) =>
        {
            int image = item / splits, part = item % splits;
            int b0 = (int)((long)blocks * part / splits), b1 = (int)((long)blocks * (part + 1) / splits);
            float[] input = buffers.Col[worker], staging = buffers.Tmp[worker];
            DirectConv.PrepareInput(layout, xd.AsSpan(image * inSize, inSize), input);
            if (b0 < own)
            {
                DirectConv.Compute(layout, input, packed, packedBias, b0, Math.Min(b1, own) - b0, staging,
                    yd.AsSpan(image * outSize, outSize), image * outSize, epilogue, accumulate: false,
                    splits == 1 && image + 1 < n ? xd.AsSpan((image + 1) * inSize, inSize) : default);
            }

            if (b1 > own)
            {
                int t0 = Math.Max(b0, own) - own;
                DirectConv.Compute(tap, input, tapPacked, tapBias, t0, b1 - own - t0, staging,
                    shortcut.AsSpan(image * shortcutSize, shortcutSize), image * shortcutSize, shortcutEpilogue, accumulate: false);
            }
        });
    }
}
