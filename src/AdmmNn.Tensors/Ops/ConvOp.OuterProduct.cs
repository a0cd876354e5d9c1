using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// The training forward and the stride-1 input gradient of <see cref="ConvOp"/> on <see cref="OuterProductConv"/>
/// (vectorized over output channels; resnet18-32's 8×8 and 4×4 stages).
/// </summary>
internal sealed partial class ConvOp
{
    private float[] _outerWeights = [];
    private float[] _outerWeightsTransposed = [];

    /// <summary>Whether the training forward runs on <see cref="OuterProductConv"/> (only when the kernel is chosen by the rule).</summary>
    private bool UsesOuterProductForward(ConvPlan plan, bool training) =>
        training && _group == 1 && Algorithm is (ConvAlgorithm.Auto or ConvAlgorithm.AutoWithoutWinograd) && ConvAlgorithmRule.PrefersOuterProduct(DirectLayout(ref _direct, plan.G, plan.Cin, plan.Cout));

    /// <summary>Whether the input gradient of a stride-1 "same" convolution (dY with the flipped, transposed weights) runs on it.</summary>
    private bool UsesOuterProductData(ConvPlan plan) =>
        plan.IsAligned && _group == 1 && Algorithm is (ConvAlgorithm.Auto or ConvAlgorithm.AutoWithoutWinograd)
        && ConvAlgorithmRule.PrefersOuterProduct(DirectLayout(ref _directTransposed, plan.Transposed, plan.Cout, plan.Cin));

    private void OuterProductForward(ConvPlan plan, float[] xd, float[] wd, float[]? bias, float[] yd, ConvEpilogue epilogue, int threads)
    {
        var layout = DirectLayout(ref _direct, plan.G, plan.Cin, plan.Cout);
        if (_outerWeights.Length < layout.K * plan.Cout)
        {
            _outerWeights = new float[layout.K * plan.Cout];
        }

        OuterProductConv.PackWeights(layout, wd.AsSpan(0, plan.Cout * layout.K), _outerWeights);
        RunOuterProduct(layout, plan.N, xd, plan.Cin * plan.InHW, _outerWeights, bias, yd, plan.Cout * plan.OutHW, epilogue, accumulate: false, threads);
    }

    /// <summary>dX += conv(dY, <paramref name="wt"/>) (<paramref name="wt"/> from <see cref="TransposedWeights"/>).</summary>
    private void OuterProductBackwardData(ConvPlan plan, float[] wt, float[] dyd, float[] dx, int threads)
    {
        var layout = DirectLayout(ref _directTransposed, plan.Transposed, plan.Cout, plan.Cin);
        if (_outerWeightsTransposed.Length < layout.K * plan.Cin)
        {
            _outerWeightsTransposed = new float[layout.K * plan.Cin];
        }

        OuterProductConv.PackWeights(layout, wt.AsSpan(0, plan.Cin * layout.K), _outerWeightsTransposed);
        RunOuterProduct(layout, plan.N, dyd, plan.Cout * plan.OutHW, _outerWeightsTransposed, null, dx, plan.Cin * plan.InHW, ConvEpilogue.None, accumulate: true, threads);
    }

    /// <summary>
    /// Groups of images in parallel (<see cref="OuterProductConv.GroupImages"/> each, a fixed function of the shape): each
    /// prepares its images, computes them channels-last and transposes them into y (adding with <paramref name="accumulate"/>).
    /// </summary>
    private void RunOuterProduct(DirectConv.Layout layout, int n, float[] xd, int inSize, float[] packed, float[]? bias, float[] yd, int outSize,
        ConvEpilogue epilogue, bool accumulate, int threads)
    {
        int group = Math.Min(n, OuterProductConv.GroupImages(layout)), items = (n + group - 1) / group;
        int ohw = layout.G.OutH * layout.G.OutW, cout = layout.Cout, inputFloats = OuterProductConv.InputFloats(layout);
        var buffers = _workspace.Get(Math.Min(threads, items), group * inputFloats, OuterProductConv.OutputFloats(layout, group));
        Workers.For(items, layout.IssuedMacs * group, threads, (item, worker) =>
        {
            int i0 = item * group, count = Math.Min(group, n - i0);
            float[] inputs = buffers.Col[worker], yt = buffers.Tmp[worker];
            for (int i = 0; i < count; i++)
            {
                OuterProductConv.PrepareInput(layout, xd.AsSpan((i0 + i) * inSize, inSize), inputs.AsSpan(i * inputFloats, inputFloats));
            }

            OuterProductConv.Compute(layout, inputs, count, packed, bias is null ? ReadOnlySpan<float>.Empty : bias.AsSpan(0, cout), yt);
            for (int i = 0; i < count; i++)
            {
                Span<float> y = yd.AsSpan((i0 + i) * outSize, outSize);
                BlockTranspose.Run(yt.AsSpan(i * ohw * cout, ohw * cout), ohw, cout, y, accumulate);
                if (!accumulate)
                {
                    epilogue.Apply(y, (i0 + i) * outSize);
                }
            }
        });
    }
}
