using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>The strided 1×1 evaluation forward of <see cref="ConvOp"/> (<see cref="StridedPointwiseConv"/>).</summary>
internal sealed partial class ConvOp
{
    /// <summary>
    /// Fewest output positions per image for the strided 1×1 kernel: its tiles are 16 positions wide, so resnet18-32's
    /// 4², 2² and 1² projections (with 64–256 input channels, where the GEMM runs well) stay on im2col + GEMM
    /// (0.04–0.38× there in <c>conv-kernels --batch 256</c>).
    /// </summary>
    internal const int StridedPointwiseMinPositions = 32;

    /// <summary>
    /// Fewest input channels: resnet-small's 32→64 14² → 7² projection measured 1.05–1.53× the GEMM's CPU time, its
    /// 16→32 28² → 14² one 0.91–0.92× (slower: with K = 16 the subsample and the 28² input read dominate), so it stays on the GEMM.
    /// </summary>
    internal const int StridedPointwiseMinChannels = 32;

    private float[] _pointwiseWeights = [];
    private float[] _pointwiseBias = [];
    private long _pointwiseStamp = -1;

    /// <summary>
    /// Whether the forward runs on <see cref="StridedPointwiseConv"/>: evaluation only (training keeps the GEMM's rounding,
    /// which its backward matches), by the rule or when the direct kernels are forced.
    /// </summary>
    private bool UsesStridedPointwise(ConvPlan plan, bool training) =>
        _group == 1 && !training && StridedPointwiseConv.IsSupported && StridedPointwiseConv.Supports(plan.G) && Algorithm switch
        {
            ConvAlgorithm.Auto or ConvAlgorithm.AutoWithoutWinograd => plan.OutHW >= StridedPointwiseMinPositions && plan.Cin >= StridedPointwiseMinChannels,
            ConvAlgorithm.Direct => true,
            _ => false,
        };

    /// <summary>Images in parallel, each subsampled once and computed alone: results do not depend on the thread count.</summary>
    private void StridedPointwiseForward(ConvPlan plan, float[] xd, float[] wd, float[]? bias, float[] yd, ConvEpilogue epilogue, int threads)
    {
        int cin = plan.Cin, cout = plan.Cout, packedFloats = StridedPointwiseConv.PackedWeightFloats(cin, cout);
        if (_pointwiseWeights.Length != packedFloats)
        {
            _pointwiseWeights = new float[packedFloats];
            _pointwiseBias = new float[(cout + StridedPointwiseConv.ChannelBlock - 1) / StridedPointwiseConv.ChannelBlock * StridedPointwiseConv.ChannelBlock];
            _pointwiseStamp = -1;
        }

        if (!CanReuseDerived(_pointwiseStamp))
        {
            StridedPointwiseConv.PackWeights(cin, cout, wd, bias, _pointwiseWeights, _pointwiseBias);
            _pointwiseStamp = DerivedStamp;
        }

        var geometry = plan.G;
        int inSize = cin * plan.InHW, outSize = cout * plan.OutHW;
        float[] packed = _pointwiseWeights, packedBias = _pointwiseBias;
        var scratch = _workspace.Get(Math.Min(threads, plan.N), StridedPointwiseConv.ScratchFloats(geometry, cin), 0).Col;
        Workers.For(plan.N, (long)outSize * cin, threads, (image, worker) =>
        {
            Span<float> y = yd.AsSpan(image * outSize, outSize);
            StridedPointwiseConv.Compute(geometry, cin, cout, xd.AsSpan(image * inSize, inSize), packed, packedBias, scratch[worker], y);
            epilogue.Apply(y, image * outSize);
        });
    }
}
