using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>The Winograd F(4×4, 3×3) forward path of <see cref="ConvOp"/> (evaluation mode; see <see cref="ConvAlgorithmRule.PrefersWinograd(ConvPlan)"/>).</summary>
internal sealed partial class ConvOp
{
    private WinogradConv.Layout? _winograd;
    private float[] _winogradWeights = [];

    /// <summary>The weights <see cref="_winogradWeights"/> were transformed from, so unchanged weights are not transformed again.</summary>
    private readonly WeightSnapshot _winogradSource = new();
    private long _winogradStamp = -1;

    private readonly WorkspacePool _winogradWorkspace = new();

    /// <summary>
    /// Whether the forward runs on <see cref="WinogradConv"/>: never in training (its rounding differs from the direct
    /// sum's and the backward does not need it), in evaluation where the rule prefers it or when forced.
    /// </summary>
    private bool UsesWinograd(ConvPlan plan, bool training) =>
        _group == 1 && WinogradConv.IsSupported && WinogradConv.Supports(plan.G) && Algorithm switch
        {
            ConvAlgorithm.Winograd => true,
            ConvAlgorithm.Auto => !training && ConvAlgorithmRule.PrefersWinograd(plan),
            _ => false,
        };

    /// <summary>
    /// Winograd forward: the weights are transformed once per distinct weight content; blocks of images (fixed by the
    /// shape) run in parallel, each computing its outputs alone, so results do not depend on the thread count.
    /// </summary>
    private void WinogradForward(ConvPlan plan, float[] xd, float[] wd, float[]? bias, float[] yd, ConvEpilogue epilogue, int threads)
    {
        if (_winograd is not { } layout || layout.G != plan.G || layout.Cin != plan.Cin || layout.Cout != plan.Cout)
        {
            _winograd = layout = new WinogradConv.Layout(plan.G, plan.Cin, plan.Cout);
            _winogradSource.Forget();
            _winogradStamp = -1;
        }

        int weightCount = plan.Cout * plan.Kg;
        ReadOnlySpan<float> weights = wd.AsSpan(0, weightCount);
        if (CanReuseDerived(_winogradStamp))
        {
            // Unchanged fused weights: the transform (and its snapshot) already hold them.
        }
        else if (_winogradSource.Matches(weights))
        {
            _winogradStamp = DerivedStamp;
        }
        else
        {
            if (_winogradWeights.Length < layout.PackedWeightFloats)
            {
                _winogradWeights = new float[layout.PackedWeightFloats];
            }

            WinogradConv.TransformWeights(layout, weights, _winogradWeights);
            _winogradSource.Remember(weights);
            _winogradStamp = DerivedStamp;
        }

        // Images are spread evenly over the blocks (256 images of 7² in 22 blocks of 11–12, not 21 of 12 and one of 4),
        // so blocks carry equal work; each goes to whichever thread is free. Each image's outputs do not depend on which
        // block or thread it is in: any split gives the same bits.
        int inSize = plan.Cin * plan.InHW, outSize = plan.Cout * plan.OutHW, n = plan.N;
        int blocks = layout.ImageBlocks(n);
        var buffers = _winogradWorkspace.Get(Math.Min(threads, blocks), layout.InputScratchFloats, layout.OutputScratchFloats);
        float[] packed = _winogradWeights;
        Workers.ForEachFree(blocks, layout.BlockMacs, threads, (block, worker) =>
        {
            int n0 = (int)((long)n * block / blocks), count = (int)((long)n * (block + 1) / blocks) - n0;

            // Blocks go to whichever worker is free, in order: this worker's next one is most likely `threads` on.
            int next = block + threads, m0 = (int)((long)n * next / blocks), m1 = (int)((long)n * (next + 1) / blocks);
            var upcoming = next < blocks ? xd.AsSpan(m0 * inSize, (m1 - m0) * inSize) : default;
            WinogradConv.Compute(layout, xd.AsSpan(n0 * inSize, count * inSize), count, packed, bias, buffers.Col[worker], buffers.Tmp[worker],
                yd.AsSpan(n0 * outSize, count * outSize), n0 * outSize, epilogue, upcoming);
        });
    }
}
