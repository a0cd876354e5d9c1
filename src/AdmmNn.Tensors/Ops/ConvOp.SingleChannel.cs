using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>The single-input-channel 3×3 "same" evaluation forward of <see cref="ConvOp"/> (<see cref="SingleChannelConv"/>: stems).</summary>
internal sealed partial class ConvOp
{
    private readonly WorkspacePool _singleChannelWorkspace = new();

    /// <summary>
    /// Whether the forward runs on <see cref="SingleChannelConv"/>: evaluation only, by the rule
    /// (<see cref="ConvAlgorithmRule.PrefersSingleChannel"/>); a forced kernel (<c>Direct</c>, <c>Im2Col</c>) is honoured.
    /// </summary>
    private bool UsesSingleChannel(ConvPlan plan, bool training) =>
        _group == 1 && !training && SingleChannelConv.IsSupported && Algorithm is ConvAlgorithm.Auto or ConvAlgorithm.AutoWithoutWinograd
        && ConvAlgorithmRule.PrefersSingleChannel(plan.Cin, plan.G);

    /// <summary>
    /// Images in parallel (each to whichever thread is free), each computed alone from the weights as they are (9 per output
    /// channel, nothing to pack): results do not depend on the thread count.
    /// </summary>
    private void SingleChannelForward(ConvPlan plan, float[] xd, float[] wd, float[]? bias, float[] yd, ConvEpilogue epilogue, int threads)
    {
        var geometry = plan.G;
        int cout = plan.Cout, inSize = plan.InHW, outSize = cout * plan.OutHW;
        var scratch = _singleChannelWorkspace.Get(Math.Min(threads, plan.N), SingleChannelConv.ScratchFloats(geometry), 0).Col;
        Workers.ForEachFree(plan.N, (long)outSize * 9, threads, (image, worker) =>
            SingleChannelConv.Compute(geometry, cout, xd.AsSpan(image * inSize, inSize), wd.AsSpan(0, cout * 9), bias, scratch[worker],
                yd.AsSpan(image * outSize, outSize), image * outSize, epilogue));
    }
}
