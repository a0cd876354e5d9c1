using System.Runtime.Intrinsics;
using AdmmNn.Abstractions.Models;

namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>MaxPool and AveragePool over NCHW (kernel, strides, pads, dilations, ceil_mode, count_include_pad, auto_pad).</summary>
internal sealed class PoolOp : Op
{
    private readonly bool _max, _includePad, _ceil;
    private readonly int[] _kernel, _strides, _pads, _dilations;
    private readonly string _autoPad;

    public PoolOp(GraphNode node, bool max)
    {
        _max = max;
        _kernel = NodeAttributes.Ints(node, "kernel_shape") ?? throw new ShapeException("kernel_shape is required");
        if (_kernel.Length != 2) throw new ShapeException("only 2-D pooling is supported");
        _strides = NodeAttributes.Ints(node, "strides") ?? [1, 1];
        _pads = NodeAttributes.Ints(node, "pads") ?? [0, 0, 0, 0];
        _dilations = NodeAttributes.Ints(node, "dilations") ?? [1, 1];
        _ceil = NodeAttributes.Int(node, "ceil_mode", 0) != 0;
        _includePad = NodeAttributes.Int(node, "count_include_pad", 0) != 0;
        _autoPad = NodeAttributes.String(node, "auto_pad", "NOTSET");
        if (_strides.Length != 2 || _pads.Length != 4 || _dilations.Length != 2) throw new ShapeException("strides, pads and dilations must have 2, 4 and 2 entries");
        if (_kernel.Any(k => k < 1) || _strides.Any(s => s < 1) || _dilations.Any(d => d < 1) || _pads.Any(p => p < 0))
            throw new ShapeException("kernel, strides and dilations must be positive and pads non-negative");
        if (_autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER")) throw new ShapeException($"auto_pad '{_autoPad}' is not supported");
        // ONNX: pads must be smaller than the kernel (a window made only of padding has no value).
        for (int i = 0; i < 4; i++)
            if (_pads[i] >= (_kernel[i % 2] - 1) * _dilations[i % 2] + 1) throw new ShapeException($"pad {_pads[i]} is not smaller than the kernel");
    }

    private (int Top, int Left, int Bottom, int Right, int OutH, int OutW) Geometry(int h, int w)
    {
        int ekh = (_kernel[0] - 1) * _dilations[0] + 1, ekw = (_kernel[1] - 1) * _dilations[1] + 1;
        int top = _pads[0], left = _pads[1], bottom = _pads[2], right = _pads[3];
        if (_autoPad == "VALID") top = left = bottom = right = 0;
        else if (_autoPad.StartsWith("SAME", StringComparison.Ordinal))
        {
            int ohs = (h + _strides[0] - 1) / _strides[0], ows = (w + _strides[1] - 1) / _strides[1];
            int ph = Math.Max(0, (ohs - 1) * _strides[0] + ekh - h), pw = Math.Max(0, (ows - 1) * _strides[1] + ekw - w);
            bool upper = _autoPad == "SAME_UPPER";
            top = upper ? ph / 2 : ph - ph / 2; bottom = ph - top;
            left = upper ? pw / 2 : pw - pw / 2; right = pw - left;
        }
        if (h + top + bottom < ekh || w + left + right < ekw) throw new ShapeException($"input {h}x{w} is smaller than the {ekh}x{ekw} window");
        int oh = Out(h + top + bottom - ekh, _strides[0]), ow = Out(w + left + right - ekw, _strides[1]);
        // A ceil-mode window must start inside the input or its leading pad.
        if (_ceil && (oh - 1) * _strides[0] >= h + top) oh--;
        if (_ceil && (ow - 1) * _strides[1] >= w + left) ow--;
        return (top, left, bottom, right, oh, ow);
    }

    private int Out(int span, int stride) => (_ceil ? (span + stride - 1) / stride : span / stride) + 1;

    public override long Work(int[]?[] inputs) => Shapes.Size(InferShapes(inputs)[0]) * (long)_kernel[0] * _kernel[1];

    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        if (x.Length != 4) throw new ShapeException($"input must be NCHW, got {Shapes.Format(x)}");
        if (Outputs.Length > 1) throw new ShapeException("MaxPool's Indices output is not supported");
        var g = Geometry(x[2], x[3]);
        return [[x[0], x[1], g.OutH, g.OutW]];
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void MaxInside(ReadOnlySpan<float> src, Span<float> dst, int w, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw)
    {
        if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && dh == 1 && dw == 1)
        {
            // Vertical max of the two input rows with vectors, then the horizontal pairs with a single max instruction each.
            float[]? rented = w > 1024 ? System.Buffers.ArrayPool<float>.Shared.Rent(w) : null;
            Span<float> pair = rented is null ? stackalloc float[w] : rented.AsSpan(0, w);
            for (int oy = 0; oy < oh; oy++)
            {
                var r0 = src.Slice(2 * oy * w, w);
                var r1 = src.Slice((2 * oy + 1) * w, w);
                int i = 0, width = System.Numerics.Vector<float>.Count;
                for (; i + width <= w; i += width)
                    System.Numerics.Vector.Max(new System.Numerics.Vector<float>(r0.Slice(i)), new System.Numerics.Vector<float>(r1.Slice(i))).CopyTo(pair.Slice(i));
                for (; i < w; i++) pair[i] = FastMax(r0[i], r1[i]);
                var d = dst.Slice(oy * ow, ow);
                for (int ox = 0; ox < d.Length; ox++) d[ox] = FastMax(pair[2 * ox], pair[2 * ox + 1]);
            }
            if (rented is not null) System.Buffers.ArrayPool<float>.Shared.Return(rented);
            return;
        }
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            float acc = float.NegativeInfinity;
            int baseIndex = oy * sh * w + ox * sw;
            for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
                acc = Max(acc, src[baseIndex + i * dh * w + j * dw]);
            dst[oy * ow + ox] = acc;
        }
    }

    // maxss: branch-free (random activations make a compare-and-branch mispredict half the time). Unlike the general
    // path it does not promise to propagate NaN.
    private static float FastMax(float a, float b) =>
        System.Runtime.Intrinsics.Vector128.MaxNative(System.Runtime.Intrinsics.Vector128.CreateScalarUnsafe(a), System.Runtime.Intrinsics.Vector128.CreateScalarUnsafe(b)).ToScalar();

    // NaN propagates, as in the general path.
    private static float Max(float a, float b) => a > b || float.IsNaN(a) ? a : b;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!;
        var y = outputs[0];
        int planes = x.Shape[0] * x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var (top, left, bottom, right, oh, ow) = Geometry(h, w);
        int kh = _kernel[0], kw = _kernel[1], sh = _strides[0], sw = _strides[1], dh = _dilations[0], dw = _dilations[1];
        bool inside = top == 0 && left == 0 && (oh - 1) * sh + (kh - 1) * dh < h && (ow - 1) * sw + (kw - 1) * dw < w;
        if (inside && _max)
        {
            // Every window lies inside the input (the usual LeNet / VGG case): no bounds checks, no padding counts.
            for (int p = 0; p < planes; p++) MaxInside(x.Data.AsSpan(p * h * w, h * w), y.Data.AsSpan(p * oh * ow, oh * ow), w, oh, ow, kh, kw, sh, sw, dh, dw);
            return;
        }
        for (int p = 0; p < planes; p++)
        {
            var src = x.Data.AsSpan(p * h * w, h * w);
            var dst = y.Data.AsSpan(p * oh * ow, oh * ow);
            for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
            {
                float acc = _max ? float.NegativeInfinity : 0f;
                int count = 0, padded = 0;
                for (int i = 0; i < kh; i++)
                {
                    int iy = oy * sh - top + i * dh;
                    for (int j = 0; j < kw; j++)
                    {
                        int ix = ox * sw - left + j * dw;
                        if (iy >= -top && iy < h + bottom && ix >= -left && ix < w + right) padded++;
                        if ((uint)iy >= (uint)h || (uint)ix >= (uint)w) continue;
                        float v = src[iy * w + ix];
                        if (_max) { if (v > acc || float.IsNaN(v)) acc = v; }
                        else acc += v;
                        count++;
                    }
                }
                dst[oy * ow + ox] = _max ? acc : acc / Math.Max(1, _includePad ? padded : count);
            }
        }
    }
}
