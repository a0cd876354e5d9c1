using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX MaxPool and AveragePool (2-D): kernel_shape, strides, pads, dilations (MaxPool), auto_pad, ceil_mode,
/// count_include_pad (AveragePool). Planes run in parallel; MaxPool remembers each output's argmax for backward.
/// </summary>
internal sealed class PoolOp : NodeOp
{
    private readonly bool _max;
    private readonly int[] _kernel;
    private readonly int[] _strides;
    private readonly int[] _dilations;
    private readonly int[] _pads;
    private readonly string _autoPad;
    private readonly bool _ceil;
    private readonly bool _includePad;
    private int[] _argmax = [];
    private (int[] Shape, ConvShape G, int PadBottom, int PadRight)? _plan;

    public PoolOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        _max = node.OpType == "MaxPool";
        _kernel = node.Ints("kernel_shape") ?? throw Error("attribute kernel_shape is required.");
        if (_kernel.Length != 2)
        {
            throw new UnsupportedModelException($"Node '{node.Name}' ({node.OpType}, opset {context.Opset}): only 2-D pooling is supported (kernel_shape has {_kernel.Length} entries).");
        }

        _strides = node.Ints("strides") ?? [1, 1];
        _dilations = node.Ints("dilations") ?? [1, 1];
        _pads = node.Ints("pads") ?? [0, 0, 0, 0];
        _autoPad = node.String("auto_pad", "NOTSET");
        _ceil = node.Int("ceil_mode", 0) != 0;
        _includePad = node.Int("count_include_pad", 0) != 0;
        if (_strides.Length != 2 || _dilations.Length != 2 || _pads.Length != 4)
        {
            throw Error($"strides and dilations need 2 entries and pads 4 for 2-D pooling (got {_strides.Length}, {_dilations.Length}, {_pads.Length}).");
        }

        if (_kernel.Any(k => k < 1) || _strides.Any(v => v < 1) || _dilations.Any(v => v < 1) || _pads.Any(v => v < 0))
        {
            throw Error("kernel_shape, strides and dilations must be positive and pads non-negative.");
        }

        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0)
        {
            throw new UnsupportedModelException($"Node '{node.Name}' (MaxPool, opset {context.Opset}): the Indices output is not supported.");
        }
    }

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var (_, g, pb, pr) = Plan(x);
        int n = x.Shape[0], c = x.Shape[1];
        var y = s.Output(Out[0], [n, c, g.OutH, g.OutW]);
        int inPlane = g.InH * g.InW, outPlane = g.OutH * g.OutW;
        if (_max && s.ValuesOnly && MaxPool3x3Stride2Values.Applies(g))
        {
            // Fused evaluation pass: nothing reads the argmax, so the separable value-only kernel runs.
            float[] xv = x.Data, yv = y.Data;
            Workers.For(n * c, inPlane, (p, _) => MaxPool3x3Stride2Values.Forward(xv.AsSpan(p * inPlane, inPlane), g, yv.AsSpan(p * outPlane, outPlane)));
            return;
        }

        if (_max && _argmax.Length < y.Size)
        {
            _argmax = new int[y.Size];
        }

        float[] xd = x.Data, yd = y.Data;
        int[] arg = _argmax;
        Workers.For(n * c, inPlane, (p, _) =>
        {
            var src = xd.AsSpan(p * inPlane, inPlane);
            var dst = yd.AsSpan(p * outPlane, outPlane);
            if (_max)
            {
                MaxPlane(src, g, dst, arg.AsSpan(p * outPlane, outPlane));
            }
            else
            {
                AveragePlane(src, g, pb, pr, dst);
            }
        });
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is not { } dx)
        {
            return;
        }

        var x = Input(s, 0);
        var (_, g, pb, pr) = Plan(x);
        int planes = x.Shape[0] * x.Shape[1], inPlane = g.InH * g.InW, outPlane = g.OutH * g.OutW;
        float[] dy = OutputGrad(s).Data, dxd = dx.Data;
        int[] arg = _argmax;
        Workers.For(planes, inPlane, (p, _) =>
        {
            var gy = dy.AsSpan(p * outPlane, outPlane);
            var gx = dxd.AsSpan(p * inPlane, inPlane);
            if (_max)
            {
                var idx = arg.AsSpan(p * outPlane, outPlane);
                for (int i = 0; i < outPlane; i++)
                {
                    if (idx[i] >= 0)
                    {
                        gx[idx[i]] += gy[i];
                    }
                }
            }
            else
            {
                AverageBackwardPlane(gy, g, pb, pr, gx);
            }
        });
    }

    private static void MaxPlane(ReadOnlySpan<float> x, in ConvShape g, Span<float> y, Span<int> arg)
    {
        if (g is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadTop: 0, PadLeft: 0, DilationH: 1, DilationW: 1 }
            && g.OutH * 2 == g.InH && g.OutW * 2 == g.InW && MaxPool2x2.Applies(g.InH, g.InW))
        {
            // Even-sized planes: the vectorized branch-free kernel (same values, same first-maximum tie rule).
            MaxPool2x2.Forward(x, 1, g.InH, g.InW, y, arg);
            return;
        }

        if (g is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadTop: 0, PadLeft: 0, DilationH: 1, DilationW: 1 }
            && g.OutH * 2 <= g.InH && g.OutW * 2 <= g.InW)
        {
            // The common 2×2/2 case without padding: no bounds checks per tap.
            for (int oh = 0; oh < g.OutH; oh++)
            {
                int r0 = 2 * oh * g.InW, r1 = r0 + g.InW;
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int i0 = r0 + 2 * ow, best = i0;
                    float v = x[i0];
                    if (x[i0 + 1] > v) { v = x[i0 + 1]; best = i0 + 1; }
                    int i1 = r1 + 2 * ow;
                    if (x[i1] > v) { v = x[i1]; best = i1; }
                    if (x[i1 + 1] > v) { v = x[i1 + 1]; best = i1 + 1; }
                    y[oh * g.OutW + ow] = v;
                    arg[oh * g.OutW + ow] = best;
                }
            }

            return;
        }

        if (MaxPoolStride2.Applies(g))
        {
            MaxPoolStride2.Forward(x, g, y, arg);
            return;
        }

        if (g.DilationH == 1 && g.DilationW == 1)
        {
            MaxPlaneUndilated(x, g, y, arg);
            return;
        }

        for (int oh = 0; oh < g.OutH; oh++)
        {
            for (int ow = 0; ow < g.OutW; ow++)
            {
                MaxPlaneWindow(x, g, oh, ow, y, arg);
            }
        }
    }

    /// <summary>
    /// Any undilated window (resnet18's 3×3/2 pad-1 max-pool): each output's window is clipped to the image once, then
    /// scanned without per-tap bounds checks, keeping the first maximum in row-major order as the general loop does.
    /// </summary>
    private static void MaxPlaneUndilated(ReadOnlySpan<float> x, in ConvShape g, Span<float> y, Span<int> arg)
    {
        int inH = g.InH, inW = g.InW, outW = g.OutW;
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int hs = oh * g.StrideH - g.PadTop;
            int h0 = Math.Max(hs, 0), h1 = Math.Min(hs + g.KernelH, inH);
            for (int ow = 0; ow < outW; ow++)
            {
                int ws = ow * g.StrideW - g.PadLeft;
                int w0 = Math.Max(ws, 0), w1 = Math.Min(ws + g.KernelW, inW);
                if (h0 >= h1 || w0 >= w1)
                {
                    y[oh * outW + ow] = 0f;
                    arg[oh * outW + ow] = -1;
                    continue;
                }

                // The maximum without branches, then the first pixel equal to it in row-major order: the general
                // loop's first-maximum rule (a NaN anywhere takes that loop, whose answer depends on where it is).
                float v = float.NegativeInfinity;
                for (int ih = h0; ih < h1; ih++)
                {
                    foreach (float xv in x.Slice(ih * inW + w0, w1 - w0))
                    {
                        v = MathF.Max(v, xv);
                    }
                }

                int best = -1;
                for (int ih = h0; ih < h1 && best < 0; ih++)
                {
                    for (int iw = w0; iw < w1; iw++)
                    {
                        if (x[ih * inW + iw] == v)
                        {
                            best = ih * inW + iw;
                            break;
                        }
                    }
                }

                if (best < 0)
                {
                    MaxPlaneWindow(x, g, oh, ow, y, arg);
                    continue;
                }

                v = x[best];
                y[oh * outW + ow] = v;
                arg[oh * outW + ow] = best;
            }
        }
    }

    /// <summary>One output of the general loop (first maximum in row-major order; NaN handled by position).</summary>
    private static void MaxPlaneWindow(ReadOnlySpan<float> x, in ConvShape g, int oh, int ow, Span<float> y, Span<int> arg)
    {
        float v = float.NegativeInfinity;
        int best = -1;
        for (int ki = 0; ki < g.KernelH; ki++)
        {
            int ih = oh * g.StrideH - g.PadTop + ki * g.DilationH;
            if ((uint)ih >= (uint)g.InH)
            {
                continue;
            }

            for (int kj = 0; kj < g.KernelW; kj++)
            {
                int iw = ow * g.StrideW - g.PadLeft + kj * g.DilationW;
                if ((uint)iw >= (uint)g.InW)
                {
                    continue;
                }

                float xv = x[ih * g.InW + iw];
                if (best < 0 || xv > v)
                {
                    v = xv;
                    best = ih * g.InW + iw;
                }
            }
        }

        y[oh * g.OutW + ow] = best < 0 ? 0f : v;
        arg[oh * g.OutW + ow] = best;
    }

    /// <summary>Window [h0,h1)×[w0,w1) clipped to the image, and the divisor (padded or not).</summary>
    private (int H0, int H1, int W0, int W1, float Divisor) Window(int oh, int ow, in ConvShape g, int pb, int pr)
    {
        int hs = oh * g.StrideH - g.PadTop, ws = ow * g.StrideW - g.PadLeft;
        int he = Math.Min(hs + g.KernelH, g.InH + pb), we = Math.Min(ws + g.KernelW, g.InW + pr);
        int padded = (he - hs) * (we - ws);
        int h0 = Math.Max(hs, 0), w0 = Math.Max(ws, 0), h1 = Math.Min(he, g.InH), w1 = Math.Min(we, g.InW);
        int count = Math.Max(0, h1 - h0) * Math.Max(0, w1 - w0);
        return (h0, h1, w0, w1, _includePad ? padded : count);
    }

    private void AveragePlane(ReadOnlySpan<float> x, in ConvShape g, int pb, int pr, Span<float> y)
    {
        for (int oh = 0; oh < g.OutH; oh++)
        {
            for (int ow = 0; ow < g.OutW; ow++)
            {
                var (h0, h1, w0, w1, divisor) = Window(oh, ow, g, pb, pr);
                float sum = 0f;
                for (int ih = h0; ih < h1; ih++)
                {
                    for (int iw = w0; iw < w1; iw++)
                    {
                        sum += x[ih * g.InW + iw];
                    }
                }

                y[oh * g.OutW + ow] = divisor > 0 ? sum / divisor : 0f;
            }
        }
    }

    private void AverageBackwardPlane(ReadOnlySpan<float> dy, in ConvShape g, int pb, int pr, Span<float> dx)
    {
        for (int oh = 0; oh < g.OutH; oh++)
        {
            for (int ow = 0; ow < g.OutW; ow++)
            {
                var (h0, h1, w0, w1, divisor) = Window(oh, ow, g, pb, pr);
                if (divisor <= 0)
                {
                    continue;
                }

                float gv = dy[oh * g.OutW + ow] / divisor;
                for (int ih = h0; ih < h1; ih++)
                {
                    for (int iw = w0; iw < w1; iw++)
                    {
                        dx[ih * g.InW + iw] += gv;
                    }
                }
            }
        }
    }

    private (int[] Shape, ConvShape G, int PadBottom, int PadRight) Plan(Tensor x)
    {
        if (_plan is { } p && x.HasShape(p.Shape))
        {
            return p;
        }

        RequireRank(x, 4, "input X");
        int h = x.Shape[2], w = x.Shape[3];
        int pt = _pads[0], pl = _pads[1], pb = _pads[2], pr = _pads[3];
        int oh = SpatialGeometry.Output(h, _kernel[0], _strides[0], _dilations[0], _autoPad, _ceil, ref pt, ref pb);
        int ow = SpatialGeometry.Output(w, _kernel[1], _strides[1], _dilations[1], _autoPad, _ceil, ref pl, ref pr);
        if (oh <= 0 || ow <= 0)
        {
            throw Error($"input {x.ShapeText} is smaller than the {_kernel[0]}×{_kernel[1]} window.");
        }

        if (!_max && (_dilations[0] != 1 || _dilations[1] != 1))
        {
            throw new UnsupportedModelException($"Node '{Node.Name}' (AveragePool, opset {Opset}): dilations are not supported.");
        }

        var g = new ConvShape(h, w, oh, ow, _kernel[0], _kernel[1], _strides[0], _strides[1], pt, pl, _dilations[0], _dilations[1]);
        _plan = ((int[])x.Shape.Clone(), g, pb, pr);
        return _plan.Value;
    }
}
