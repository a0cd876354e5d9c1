using System.Numerics.Tensors;
using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX Conv (2-D): strides, pads, dilations, group (incl. depthwise), auto_pad. Runs im2col + GEMM on chunks of the
/// batch in parallel; weight gradients are summed per chunk and then reduced in chunk order, so results do not depend
/// on the thread count.
/// </summary>
internal sealed partial class ConvOp : NodeOp
{
    private const int TargetColumns = 2048;

    /// <summary>Batches with at most this many output columns in all (N·OH·OW) are one chunk.</summary>
    internal const int SingleChunkColumns = 4096;

    /// <summary>… and whose weights per group hold at least this many floats (smaller ones repack cheaply per chunk).</summary>
    internal const int SingleChunkWeights = 65536;

    /// <summary>
    /// Output planes at least this large (conv1's 24×24) are written and read per image, straight into/out of y and dY:
    /// the per-image GEMMs are still long enough to run at full speed, and the staging copies disappear.
    /// </summary>
    private const int DirectOutputMinimum = 256;

    private readonly int[]? _kernel;
    private readonly int[] _strides;
    private readonly int[] _dilations;
    private readonly int[] _pads;
    private readonly int _group;
    private readonly string _autoPad;
    private readonly WorkspacePool _workspace = new();

    public ConvOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        _kernel = node.Ints("kernel_shape");
        _strides = node.Ints("strides") ?? [1, 1];
        _dilations = node.Ints("dilations") ?? [1, 1];
        _pads = node.Ints("pads") ?? [0, 0, 0, 0];
        _group = (int)node.Int("group", 1);
        _autoPad = node.String("auto_pad", "NOTSET");
        if (_strides.Length != 2 || _dilations.Length != 2 || _pads.Length != 4 || (_kernel is not null && _kernel.Length != 2))
        {
            throw new UnsupportedModelException($"Node '{node.Name}' (Conv, opset {context.Opset}): only 2-D convolution is supported (strides/dilations of length 2, pads of length 4).");
        }

        if (_strides.Any(v => v < 1) || _dilations.Any(v => v < 1) || _pads.Any(v => v < 0) || (_kernel?.Any(k => k < 1) ?? false))
        {
            throw Error("kernel_shape, strides and dilations must be positive and pads non-negative.");
        }

        if (_group < 1)
        {
            throw Error($"group must be ≥ 1 but is {_group}.");
        }
    }

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var w = Input(s, 1);
        float[]? bias = HasInput(2) ? Input(s, 2).Data : null;
        Run(s, x, w.Data, Plan(x, w), bias, Out[0], ConvEpilogue.None);
    }

    /// <summary>
    /// Evaluation-mode fused forward: this convolution with <paramref name="weights"/> and <paramref name="bias"/> in
    /// place of its own (BatchNorm folded in by the caller), the <paramref name="epilogue"/> applied to each output block
    /// while it is in cache, the result written to value <paramref name="outputId"/>.
    /// </summary>
    /// <param name="weightsUnchanged">The caller's promise that <paramref name="weights"/> and <paramref name="bias"/> are
    /// bit for bit those of its previous call (derived weights built then are reused; see ConvOp.FusedWeights.cs).</param>
    internal void ForwardFused(ExecutionState s, float[] weights, float[]? bias, int outputId, ConvEpilogue epilogue, bool weightsUnchanged = false)
    {
        var x = Input(s, 0);
        BeginFusedCall(weightsUnchanged);
        try
        {
            Run(s, x, weights, Plan(x, Input(s, 1)), bias, outputId, epilogue);
        }
        finally
        {
            EndFusedCall();
        }
    }

    /// <summary>Shape of the output for input <paramref name="x"/> and weight <paramref name="w"/>.</summary>
    internal int[] OutputShape(Tensor x, Tensor w)
    {
        var plan = Plan(x, w);
        return [plan.N, plan.Cout, plan.G.OutH, plan.G.OutW];
    }

    /// <summary>The kernels a forward can run on; <see cref="ForwardKernelFor"/> picks one.</summary>
    private enum ForwardKernel
    {
        Depthwise,
        SmallPlane,
        SingleChannel,
        Winograd,
        OuterProduct,
        StridedPointwise,
        Direct,
        Im2ColGemm,
    }

    /// <summary>
    /// The forward's kernel for <paramref name="plan"/>, the first whose rule takes it in this order: <c>Run</c> dispatches
    /// on it and the projection pairing asks it, so the two cannot disagree. Small planes come before Winograd: on 1×1 and
    /// 2×2 planes Winograd's tiles would be mostly padding.
    /// </summary>
    private ForwardKernel ForwardKernelFor(ConvPlan plan, bool training) =>
        plan.IsDepthwise ? ForwardKernel.Depthwise
        : UsesSmallPlane(plan) ? ForwardKernel.SmallPlane
        : UsesSingleChannel(plan, training) ? ForwardKernel.SingleChannel
        : UsesWinograd(plan, training) ? ForwardKernel.Winograd
        : UsesOuterProductForward(plan, training) ? ForwardKernel.OuterProduct
        : UsesStridedPointwise(plan, training) ? ForwardKernel.StridedPointwise
        : UsesDirect(plan) ? ForwardKernel.Direct
        : ForwardKernel.Im2ColGemm;

    private void Run(ExecutionState s, Tensor x, float[] wd, ConvPlan plan, float[]? bias, int outputId, ConvEpilogue epilogue)
    {
        var y = s.Output(outputId, [plan.N, plan.Cout, plan.G.OutH, plan.G.OutW]);
        if (bias is not null && bias.Length != plan.Cout)
        {
            throw Error($"bias has {bias.Length} values but there are {plan.Cout} output channels.");
        }

        float[] xd = x.Data, yd = y.Data;
        int threads = Workers.Threads;
        switch (ForwardKernelFor(plan, s.Training))
        {
            case ForwardKernel.Depthwise:
                DepthwiseForward(plan, xd, wd, bias, yd, epilogue, threads);
                return;
            case ForwardKernel.SmallPlane:
                SmallPlaneForward(plan, xd, wd, bias, yd, epilogue, threads);
                return;
            case ForwardKernel.SingleChannel:
                SingleChannelForward(plan, xd, wd, bias, yd, epilogue, threads);
                return;
            case ForwardKernel.Winograd:
                WinogradForward(plan, xd, wd, bias, yd, epilogue, threads);
                return;
            case ForwardKernel.OuterProduct:
                OuterProductForward(plan, xd, wd, bias, yd, epilogue, threads);
                return;
            case ForwardKernel.StridedPointwise:
                StridedPointwiseForward(plan, xd, wd, bias, yd, epilogue, threads);
                return;
            case ForwardKernel.Direct:
                DirectForward(plan, xd, wd, bias, yd, epilogue, threads);
                return;
        }

        bool pointwise = plan.IsPointwise;
        var buffers = _workspace.Get(Math.Min(threads, plan.Chunks), plan.ColSize, plan.OutChunkSize);
        Workers.For(plan.Chunks, long.MaxValue / Math.Max(1, plan.Chunks), threads, (chunk, worker) =>
        {
            var (n0, nc) = plan.ChunkRange(chunk);
            var col = buffers.Col[worker];
            var tmp = buffers.Tmp[worker];
            int ohw = plan.OutHW, cols = nc * ohw;
            bool direct = nc == 1 || ohw >= DirectOutputMinimum;
            for (int g = 0; g < _group; g++)
            {
                if (!(direct && pointwise))
                {
                    // A single chunk (deep small-plane layers: the whole batch, one GEMM that splits across the threads
                    // itself) unfolds its images in parallel too, each into its own columns.
                    int gg = g;
                    Workers.For(nc, plan.Cg * plan.Kg * (long)ohw, plan.Chunks == 1 ? threads : 1, (i, _) =>
                        Im2Col.Unfold(xd.AsSpan(((n0 + i) * plan.Cin + gg * plan.Cg) * plan.InHW, plan.Cg * plan.InHW), plan.G, plan.Cg, col, i * ohw, cols));
                }

                ReadOnlySpan<float> wg = wd.AsSpan(g * plan.CoutG * plan.Kg, plan.CoutG * plan.Kg);
                if (direct)
                {
                    // Large planes: one GEMM per image straight into y (B = that image's column slice, row stride cols,
                    // or for a 1×1 stride-1 unpadded convolution the image itself), onto rows pre-filled with the bias:
                    // no staging buffer, no copy, no separate bias pass.
                    for (int i = 0; i < nc; i++)
                    {
                        int yOffset = ((n0 + i) * plan.Cout + g * plan.CoutG) * ohw;
                        Span<float> yi = yd.AsSpan(yOffset, plan.CoutG * ohw);
                        if (bias is not null)
                        {
                            for (int co = 0; co < plan.CoutG; co++)
                            {
                                yi.Slice(co * ohw, ohw).Fill(bias[g * plan.CoutG + co]);
                            }
                        }

                        if (pointwise)
                        {
                            Gemm.Multiply(false, false, plan.CoutG, ohw, plan.Kg, 1f, wg, plan.Kg,
                                xd.AsSpan(((n0 + i) * plan.Cin + g * plan.Cg) * plan.InHW, plan.Cg * plan.InHW), ohw, bias is null ? 0f : 1f, yi, ohw);
                        }
                        else
                        {
                            Gemm.Multiply(false, false, plan.CoutG, ohw, plan.Kg, 1f, wg, plan.Kg, col.AsSpan(i * ohw), cols,
                                bias is null ? 0f : 1f, yi, ohw);
                        }

                        epilogue.Apply(yi, yOffset);
                    }
                }
                else
                {
                    Gemm.Multiply(false, false, plan.CoutG, cols, plan.Kg, 1f, wg, plan.Kg, col, cols, 0f, tmp, cols);
                    for (int i = 0; i < nc; i++)
                    {
                        for (int co = 0; co < plan.CoutG; co++)
                        {
                            // Scatter to y and add the bias (and the fused epilogue) in the same pass.
                            ReadOnlySpan<float> row = tmp.AsSpan(co * cols + i * ohw, ohw);
                            int yOffset = ((n0 + i) * plan.Cout + g * plan.CoutG + co) * ohw;
                            Span<float> dst = yd.AsSpan(yOffset, ohw);
                            if (bias is null)
                            {
                                row.CopyTo(dst);
                            }
                            else
                            {
                                TensorPrimitives.Add(row, bias[g * plan.CoutG + co], dst);
                            }

                            epilogue.Apply(dst, yOffset);
                        }
                    }
                }
            }
        });
    }

    public override void Backward(ExecutionState s)
    {
        var x = Input(s, 0);
        var w = Input(s, 1);
        var plan = Plan(x, w);
        float[] xd = x.Data, wd = w.Data, dyd = OutputGrad(s).Data;
        float[]? dx = InputGrad(s, 0)?.Data, dw = InputGrad(s, 1)?.Data, db = InputGrad(s, 2)?.Data;
        int threads = Workers.Threads;
        if (plan.IsDepthwise)
        {
            DepthwiseBackward(plan, xd, wd, dyd, dx, dw, db, threads);
            return;
        }

        if (UsesSmallPlane(plan))
        {
            SmallPlaneBackward(plan, xd, wd, dyd, dx, dw, db, threads);
            return;
        }

        if (dw is not null && UsesDirectWeightGradient(plan))
        {
            // dW and db without columns or per-chunk partials; what is left (dX) runs below.
            DirectWeightGradientBackward(plan, xd, dyd, dw, db, threads);
            dw = db = null;
        }

        if (dx is not null && UsesOuterProductData(plan))
        {
            OuterProductBackwardData(plan, TransposedWeights(plan, wd), dyd, dx, threads);
            dx = null;
        }

        if (dx is not null && plan.IsAligned && UsesDirect(plan, transposed: true))
        {
            // dX += conv(dY, flipped Wᵀ) on the direct kernel, in its own pass; the chunk loop then does dW and db only.
            DirectBackwardData(plan, TransposedWeights(plan, wd), dyd, dx, threads);
            dx = null;
        }

        float[][]? dwParts = dw is null ? null : _workspace.Partials(plan.Chunks, dw.Length, 0);
        float[][]? dbParts = db is null ? null : _workspace.Partials(plan.Chunks, db.Length, 1);
        float[][]? chunkDw = dwParts, chunkDb = dbParts;
        if (dwParts is not null && UsesDirect(plan) && ConvAlgorithmRule.PrefersDirectWeightGradient(DirectLayout(ref _direct, plan.G, plan.Cin, plan.Cout)))
        {
            // dW (and db) per chunk straight from the phase-split input and dY on the forward's grid (no columns);
            // the chunk loop below then does only what is left of dX.
            DirectBackwardWeights(plan, xd, dyd, dwParts, dbParts, threads);
            chunkDw = chunkDb = null;
        }

        if (dx is not null || chunkDw is not null || chunkDb is not null)
        {
            BackwardChunks(plan, xd, wd, dyd, dx, chunkDw, chunkDb, threads);
        }

        // Reduce per-chunk partial sums in chunk order (deterministic for any thread count).
        if (dw is not null)
        {
            for (int c = 0; c < plan.Chunks; c++)
            {
                TensorPrimitives.Add(dw, dwParts![c].AsSpan(0, dw.Length), dw);
            }
        }

        if (db is not null)
        {
            for (int c = 0; c < plan.Chunks; c++)
            {
                TensorPrimitives.Add(db, dbParts![c].AsSpan(0, db.Length), db);
            }
        }
    }

    /// <summary>
    /// Weight and bias gradients per chunk on the direct kernel: each chunk walks its images in order, adding each
    /// image's dW into the chunk's partial (reduced in chunk order by the caller, as on the GEMM path).
    /// </summary>
    private void DirectBackwardWeights(ConvPlan plan, float[] xd, float[] dyd, float[][] dwParts, float[][]? dbParts, int threads)
    {
        var layout = DirectLayout(ref _direct, plan.G, plan.Cin, plan.Cout);
        var buffers = _workspace.Get(Math.Min(threads, plan.Chunks), layout.InputFloats, layout.GridFloats);
        int inSize = plan.Cin * plan.InHW, outSize = plan.Cout * plan.OutHW, ohw = plan.OutHW;
        Workers.For(plan.Chunks, layout.IssuedMacs * plan.PerChunk, threads, (chunk, worker) =>
        {
            var (n0, nc) = plan.ChunkRange(chunk);
            Span<float> part = dwParts[chunk].AsSpan(0, plan.Cout * layout.K);
            part.Clear();
            for (int i = 0; i < nc; i++)
            {
                ReadOnlySpan<float> dyi = dyd.AsSpan((n0 + i) * outSize, outSize);
                DirectConv.PrepareInput(layout, xd.AsSpan((n0 + i) * inSize, inSize), buffers.Col[worker]);
                DirectConv.PrepareGrid(layout, dyi, buffers.Tmp[worker]);
                DirectConv.AccumulateWeightGradient(layout, buffers.Col[worker], buffers.Tmp[worker], part);
                if (dbParts is not null)
                {
                    for (int co = 0; co < plan.Cout; co++)
                    {
                        float sum = TensorPrimitives.Sum(dyi.Slice(co * ohw, ohw));
                        dbParts[chunk][co] = i == 0 ? sum : dbParts[chunk][co] + sum;
                    }
                }
            }
        });
    }

    /// <summary>The im2col + GEMM backward per chunk of images: whichever of dX, dW and db partials are not null.</summary>
    private void BackwardChunks(ConvPlan plan, float[] xd, float[] wd, float[] dyd, float[]? dx, float[][]? dwParts, float[][]? dbParts, int threads)
    {
        var buffers = _workspace.Get(Math.Min(threads, plan.Chunks), plan.ColSize, plan.OutChunkSize);
        float[]? wt = dx is not null && plan.IsAligned ? TransposedWeights(plan, wd) : null;
        Workers.For(plan.Chunks, long.MaxValue / Math.Max(1, plan.Chunks), threads, (chunk, worker) =>
        {
            var (n0, nc) = plan.ChunkRange(chunk);
            var col = buffers.Col[worker];
            var tmp = buffers.Tmp[worker];
            int ohw = plan.OutHW, cols = nc * ohw;
            bool direct = nc == 1 || ohw >= DirectOutputMinimum;
            for (int g = 0; g < _group; g++)
            {
                if (direct)
                {
                    BackwardPerImage(plan, g, n0, nc, xd, wd, wt, dyd, dx, col, dwParts?[chunk], dbParts?[chunk]);
                    continue;
                }

                // Gather this chunk's output gradient for group g as a CoutG × (nc·ohw) matrix.
                ReadOnlySpan<float> dyc;
                for (int i = 0; i < nc; i++)
                {
                    for (int co = 0; co < plan.CoutG; co++)
                    {
                        dyd.AsSpan(((n0 + i) * plan.Cout + g * plan.CoutG + co) * ohw, ohw).CopyTo(tmp.AsSpan(co * cols + i * ohw, ohw));
                    }
                }

                dyc = tmp.AsSpan(0, plan.CoutG * cols);

                if (dbParts is not null)
                {
                    var part = dbParts[chunk];
                    for (int co = 0; co < plan.CoutG; co++)
                    {
                        part[g * plan.CoutG + co] = TensorPrimitives.Sum(dyc.Slice(co * cols, cols));
                    }
                }

                if (dwParts is not null)
                {
                    for (int i = 0; i < nc; i++)
                    {
                        Im2Col.Unfold(xd.AsSpan(((n0 + i) * plan.Cin + g * plan.Cg) * plan.InHW, plan.Cg * plan.InHW), plan.G, plan.Cg, col, i * ohw, cols);
                    }

                    Gemm.Multiply(false, true, plan.CoutG, plan.Kg, cols, 1f, dyc, cols, col, cols, 0f,
                        dwParts[chunk].AsSpan(g * plan.CoutG * plan.Kg, plan.CoutG * plan.Kg), plan.Kg);
                }

                if (dx is not null && wt is not null)
                {
                    // dX = conv(dY, flipped Wᵀ): unfold the chunk's dY, one GEMM, add each image's rows into dX.
                    var gt = plan.Transposed;
                    for (int i = 0; i < nc; i++)
                    {
                        Im2Col.Unfold(dyd.AsSpan(((n0 + i) * plan.Cout + g * plan.CoutG) * ohw, plan.CoutG * ohw), gt, plan.CoutG, col, i * ohw, cols);
                    }

                    Gemm.Multiply(false, false, plan.Cg, cols, plan.KgTransposed, 1f, wt.AsSpan(g * plan.Cg * plan.KgTransposed, plan.Cg * plan.KgTransposed),
                        plan.KgTransposed, col, cols, 0f, tmp, cols);
                    for (int i = 0; i < nc; i++)
                    {
                        for (int ci = 0; ci < plan.Cg; ci++)
                        {
                            Span<float> d = dx.AsSpan(((n0 + i) * plan.Cin + g * plan.Cg + ci) * plan.InHW, plan.InHW);
                            TensorPrimitives.Add(d, tmp.AsSpan(ci * cols + i * ohw, ohw), d);
                        }
                    }
                }
                else if (dx is not null)
                {
                    Gemm.Multiply(true, false, plan.Kg, cols, plan.CoutG, 1f, wd.AsSpan(g * plan.CoutG * plan.Kg, plan.CoutG * plan.Kg), plan.Kg,
                        dyc, cols, 0f, col, cols);
                    for (int i = 0; i < nc; i++)
                    {
                        Im2Col.FoldAdd(col, i * ohw, cols, plan.G, plan.Cg, dx.AsSpan(((n0 + i) * plan.Cin + g * plan.Cg) * plan.InHW, plan.Cg * plan.InHW));
                    }
                }
            }
        });
    }

    /// <summary>
    /// Which forward kernel runs a non-grouped convolution; <see cref="ConvAlgorithm.Auto"/> (the default) chooses per shape.
    /// Per calling thread (the choice is made where the op is called), so a test forcing a kernel does not affect others.
    /// </summary>
    internal static ConvAlgorithm Algorithm { get => _algorithm; set => _algorithm = value; }

    [ThreadStatic]
    private static ConvAlgorithm _algorithm;

    private DirectConv.Layout? _direct;
    private float[] _directWeights = [];
    private float[] _directBias = [];
    private long _directStamp = -1;
    private DirectConv.Layout? _directPackedLayout;

    private DirectConv.Layout? _directTransposed;
    private float[] _directWeightsTransposed = [];
    private float[] _noBias = [];

    /// <summary>
    /// Whether the forward (or, <paramref name="transposed"/>, the stride-1 input-gradient convolution of dY with the
    /// flipped, transposed weights) runs on the direct kernel.
    /// </summary>
    private bool UsesDirect(ConvPlan plan, bool transposed = false) => _group == 1 && DirectConv.IsSupported && Algorithm switch
    {
        ConvAlgorithm.Im2Col => false,
        ConvAlgorithm.Direct => true,
        _ => transposed ? ConvAlgorithmRule.PrefersDirect(plan.Cout, plan.Cin, plan.Transposed) : ConvAlgorithmRule.PrefersDirect(plan),
    };

    private static DirectConv.Layout DirectLayout(ref DirectConv.Layout? cache, in ConvShape g, int cin, int cout)
    {
        if (cache is not { } layout || layout.G != g || layout.Cin != cin || layout.Cout != cout)
        {
            cache = layout = new DirectConv.Layout(g, cin, cout);
        }

        return layout;
    }

    /// <summary>dX += conv(dY, Wt) image by image on the direct kernel (stride-1 "same" shapes; <paramref name="wt"/> from <see cref="TransposedWeights"/>).</summary>
    private void DirectBackwardData(ConvPlan plan, float[] wt, float[] dyd, float[] dx, int threads)
    {
        var layout = DirectLayout(ref _directTransposed, plan.Transposed, plan.Cout, plan.Cin);
        if (_directWeightsTransposed.Length < layout.PackedWeightFloats || _noBias.Length < layout.Blocks * DirectConv.ChannelBlock)
        {
            _directWeightsTransposed = new float[layout.PackedWeightFloats];
            _noBias = new float[layout.Blocks * DirectConv.ChannelBlock];
        }

        DirectConv.PackWeights(layout, wt.AsSpan(0, plan.Cin * layout.K), ReadOnlySpan<float>.Empty, _directWeightsTransposed, _noBias);
        RunDirect(layout, plan.N, dyd, plan.Cout * plan.OutHW, _directWeightsTransposed, _noBias, dx, plan.Cin * plan.InHW, ConvEpilogue.None, accumulate: true, threads);
    }

    /// <summary>
    /// Direct (implicit-GEMM) forward: work items are (image, group of output-channel blocks); with at least two images
    /// per thread (or a small image) each item is a whole image, else an image's blocks are split across the threads
    /// (each item then prepares its own copy of the image). Every output is computed by one item in one order: thread-count independent.
    /// </summary>
    private void DirectForward(ConvPlan plan, float[] xd, float[] wd, float[]? bias, float[] yd, ConvEpilogue epilogue, int threads)
    {
        var layout = PackDirectWeights(plan, wd, bias);
        RunDirect(layout, plan.N, xd, plan.Cin * plan.InHW, _directWeights, _directBias, yd, plan.Cout * plan.OutHW, epilogue, accumulate: false, threads);
    }

    /// <summary>The direct layout for <paramref name="plan"/> with the weights packed into it (reused when unchanged).</summary>
    private DirectConv.Layout PackDirectWeights(ConvPlan plan, float[] wd, float[]? bias)
    {
        var layout = DirectLayout(ref _direct, plan.G, plan.Cin, plan.Cout);
        PackForDirect(layout, wd, bias, ref _directWeights, ref _directBias, ref _directStamp, ref _directPackedLayout);
        return layout;
    }

    private void RunDirect(DirectConv.Layout layout, int n, float[] xd, int inSize, float[] packed, float[] packedBias, float[] yd, int outSize,
        ConvEpilogue epilogue, bool accumulate, int threads)
    {
        int splits = n >= 2 * threads || layout.IssuedMacs < ConvAlgorithmRule.SplitImageMacs ? 1 : Math.Min(layout.Blocks, threads);
        int items = n * splits;
        var buffers = _workspace.Get(Math.Min(threads, items), layout.InputFloats, layout.StagingFloats);
        Workers.For(items, layout.IssuedMacs / splits, threads, (item, worker) =>
        {
            int image = item / splits, part = item % splits;
            int b0 = (int)((long)layout.Blocks * part / splits), b1 = (int)((long)layout.Blocks * (part + 1) / splits);
            DirectConv.PrepareInput(layout, xd.AsSpan(image * inSize, inSize), buffers.Col[worker]);
            DirectConv.Compute(layout, buffers.Col[worker], packed, packedBias, b0, b1 - b0, buffers.Tmp[worker],
                yd.AsSpan(image * outSize, outSize), image * outSize, epilogue, accumulate,
                splits == 1 && image + 1 < n ? xd.AsSpan((image + 1) * inSize, inSize) : default);
        });
    }

    /// <summary>Depthwise forward: a direct kernel per (image, channel) plane, planes in parallel.</summary>
    private void DepthwiseForward(ConvPlan plan, float[] xd, float[] wd, float[]? bias, float[] yd, ConvEpilogue epilogue, int threads)
    {
        int planes = plan.N * plan.Cout, ohw = plan.OutHW, inHW = plan.InHW, kg = plan.Kg, cout = plan.Cout;
        var scratch = _workspace.Get(Math.Min(threads, planes), DepthwiseConv.ScratchSize(plan.G), 0).Col;
        var geometry = plan.G;
        Workers.For(planes, (long)ohw * kg, threads, (p, worker) =>
        {
            int c = p % cout;
            DepthwiseConv.Forward(xd.AsSpan(p * inHW, inHW), geometry, wd.AsSpan(c * kg, kg), bias?[c] ?? 0f, yd.AsSpan(p * ohw, ohw), scratch[worker]);
            epilogue.Apply(yd.AsSpan(p * ohw, ohw), p * ohw);
        });
    }

    /// <summary>
    /// Depthwise backward, channels in parallel: each channel walks the batch in order and alone writes its weight,
    /// bias and input-gradient slices, so results do not depend on the thread count.
    /// </summary>
    private void DepthwiseBackward(ConvPlan plan, float[] xd, float[] wd, float[] dyd, float[]? dx, float[]? dw, float[]? db, int threads)
    {
        int ohw = plan.OutHW, inHW = plan.InHW, kg = plan.Kg, cout = plan.Cout, n = plan.N;
        var scratch = _workspace.Get(Math.Min(threads, cout), DepthwiseConv.ScratchSize(plan.G), 0).Col;
        var partial = _workspace.Partials(1, cout * kg, 0)[0];
        var geometry = plan.G;
        Workers.For(cout, (long)n * ohw * kg, threads, (c, worker) =>
        {
            Span<float> dwc = partial.AsSpan(c * kg, kg);
            dwc.Clear();
            float sum = 0f;
            for (int b = 0; b < n; b++)
            {
                int p = b * cout + c;
                sum += DepthwiseConv.Backward(xd.AsSpan(p * inHW, inHW), dyd.AsSpan(p * ohw, ohw), geometry, wd.AsSpan(c * kg, kg), dwc,
                    dx is null ? Span<float>.Empty : dx.AsSpan(p * inHW, inHW), scratch[worker]);
            }

            if (dw is not null)
            {
                TensorPrimitives.Add(dw.AsSpan(c * kg, kg), dwc, dw.AsSpan(c * kg, kg));
            }

            if (db is not null)
            {
                db[c] += sum;
            }
        });
    }

    /// <summary>
    /// Backward for group <paramref name="g"/> of a chunk read straight from dY image by image (single images and large
    /// planes, the same case as the forward's direct path): dW partial = Σi dYi·colᵢᵀ accumulated over the chunk's images
    /// in order, db partial = Σi row sums, dX by a GEMM into each image's column slice and a fold.
    /// </summary>
    private void BackwardPerImage(ConvPlan plan, int g, int n0, int nc, float[] xd, float[] wd, float[]? wt, float[] dyd, float[]? dx,
        float[] col, float[]? dwPart, float[]? dbPart)
    {
        int ohw = plan.OutHW, cols = nc * ohw;
        ReadOnlySpan<float> wg = wd.AsSpan(g * plan.CoutG * plan.Kg, plan.CoutG * plan.Kg);
        for (int i = 0; i < nc; i++)
        {
            ReadOnlySpan<float> dyi = dyd.AsSpan(((n0 + i) * plan.Cout + g * plan.CoutG) * ohw, plan.CoutG * ohw);
            ReadOnlySpan<float> xi = xd.AsSpan(((n0 + i) * plan.Cin + g * plan.Cg) * plan.InHW, plan.Cg * plan.InHW);
            if (dbPart is not null)
            {
                for (int co = 0; co < plan.CoutG; co++)
                {
                    float sum = TensorPrimitives.Sum(dyi.Slice(co * ohw, ohw));
                    dbPart[g * plan.CoutG + co] = i == 0 ? sum : dbPart[g * plan.CoutG + co] + sum;
                }
            }

            if (dwPart is not null)
            {
                Im2Col.Unfold(xi, plan.G, plan.Cg, col, i * ohw, cols);
                Gemm.Multiply(false, true, plan.CoutG, plan.Kg, ohw, 1f, dyi, ohw, col.AsSpan(i * ohw), cols, i == 0 ? 0f : 1f,
                    dwPart.AsSpan(g * plan.CoutG * plan.Kg, plan.CoutG * plan.Kg), plan.Kg);
            }

            if (dx is not null && wt is not null)
            {
                // Aligned shapes: dXᵢ += conv(dYᵢ, flipped Wᵀ), accumulated by the GEMM itself (beta 1).
                Im2Col.Unfold(dyi, plan.Transposed, plan.CoutG, col, i * ohw, cols);
                Gemm.Multiply(false, false, plan.Cg, ohw, plan.KgTransposed, 1f, wt.AsSpan(g * plan.Cg * plan.KgTransposed, plan.Cg * plan.KgTransposed),
                    plan.KgTransposed, col.AsSpan(i * ohw), cols, 1f, dx.AsSpan(((n0 + i) * plan.Cin + g * plan.Cg) * plan.InHW, plan.Cg * plan.InHW), plan.InHW);
            }
            else if (dx is not null)
            {
                Gemm.Multiply(true, false, plan.Kg, ohw, plan.CoutG, 1f, wg, plan.Kg, dyi, ohw, 0f, col.AsSpan(i * ohw), cols);
                Im2Col.FoldAdd(col, i * ohw, cols, plan.G, plan.Cg, dx.AsSpan(((n0 + i) * plan.Cin + g * plan.Cg) * plan.InHW, plan.Cg * plan.InHW));
            }
        }
    }

    private float[] _transposedWeights = [];

    /// <summary>
    /// Per group, the Cg × (CoutG·kh·kw) weights of the input-gradient convolution: Wt[ci, co·kk + t] = W[co, ci, kk − 1 − t]
    /// (kernel flipped in both axes, input and output channels swapped).
    /// </summary>
    private float[] TransposedWeights(ConvPlan plan, float[] wd)
    {
        int kk = plan.G.KernelH * plan.G.KernelW, kt = plan.KgTransposed;
        if (_transposedWeights.Length < wd.Length)
        {
            _transposedWeights = new float[wd.Length];
        }

        float[] wt = _transposedWeights;
        for (int g = 0; g < _group; g++)
        {
            for (int co = 0; co < plan.CoutG; co++)
            {
                for (int ci = 0; ci < plan.Cg; ci++)
                {
                    int src = (g * plan.CoutG + co) * plan.Kg + ci * kk, dst = (g * plan.Cg + ci) * kt + co * kk;
                    for (int t = 0; t < kk; t++)
                    {
                        wt[dst + t] = wd[src + kk - 1 - t];
                    }
                }
            }
        }

        return wt;
    }

    private ConvPlan? _plan;

    private ConvPlan Plan(Tensor x, Tensor w)
    {
        if (_plan is { } p && x.HasShape(p.InputShape) && w.HasShape(p.WeightShape))
        {
            return p;
        }

        RequireRank(x, 4, "input X");
        RequireRank(w, 4, "weight W");
        int n = x.Shape[0], cin = x.Shape[1], h = x.Shape[2], wid = x.Shape[3];
        int cout = w.Shape[0], cg = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        if (_kernel is not null && (_kernel[0] != kh || _kernel[1] != kw))
        {
            throw Error($"kernel_shape [{_kernel[0]},{_kernel[1]}] does not match weight shape {w.ShapeText}.");
        }

        if (cin != cg * _group || cout % _group != 0)
        {
            throw Error($"input has {cin} channels and weight {w.ShapeText} with group={_group}: need C = W.shape[1]·group and M divisible by group.");
        }

        int pt = _pads[0], pl = _pads[1], pb = _pads[2], pr = _pads[3];
        int oh = SpatialGeometry.Output(h, kh, _strides[0], _dilations[0], _autoPad, false, ref pt, ref pb);
        int ow = SpatialGeometry.Output(wid, kw, _strides[1], _dilations[1], _autoPad, false, ref pl, ref pr);
        if (oh <= 0 || ow <= 0)
        {
            throw Error($"input {x.ShapeText} is smaller than the {kh}×{kw} kernel (with dilation and padding).");
        }

        var geometry = new ConvShape(h, wid, oh, ow, kh, kw, _strides[0], _strides[1], pt, pl, _dilations[0], _dilations[1]);
        int ohw = oh * ow;
        // Small planes with large weights whose whole batch fits in a few GEMM panels (deep ResNet stages: 4×4 down to 1×1)
        // run as one chunk:
        // the single GEMM then splits across the threads itself, and the (large) weights are packed once instead of once
        // per chunk. The chunking depends only on the shapes, never on the thread count.
        bool single = (long)n * ohw <= SingleChunkColumns && (long)(cout / _group) * cg * kh * kw >= SingleChunkWeights;
        int perChunk = single ? n : Math.Max(1, Math.Min((TargetColumns + ohw - 1) / ohw, (n + 3) / 4));
        _plan = new ConvPlan((int[])x.Shape.Clone(), (int[])w.Shape.Clone(), geometry, n, cin, cout, cg, cout / _group, cg * kh * kw, perChunk);
        return _plan;
    }
}
