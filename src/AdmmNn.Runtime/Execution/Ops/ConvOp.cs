using System.Buffers;
using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Kernels;

namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>2-D convolution (NCHW, groups, strides, pads, dilations, auto_pad) as im2col × weights, dense or sparse.</summary>
internal sealed class ConvOp : Op
{
    private readonly int _outChannels, _inPerGroup, _kh, _kw, _group;
    private readonly int[] _strides, _pads, _dilations;
    private readonly string _autoPad;
    private readonly LinearWeights[] _weights;
    private readonly float[]? _bias;

    public ConvOp(GraphNode node, TensorData weight, TensorData? bias, bool? forceSparse)
    {
        if (weight.Dims.Length != 4) throw new ShapeException($"only 2-D convolution is supported (weight rank {weight.Dims.Length})");
        _outChannels = (int)weight.Dims[0];
        _inPerGroup = (int)weight.Dims[1];
        _kh = (int)weight.Dims[2];
        _kw = (int)weight.Dims[3];
        _group = (int)NodeAttributes.Int(node, "group", 1);
        if (_group < 1 || _outChannels % _group != 0) throw new ShapeException($"group {_group} does not divide {_outChannels} output channels");
        var kernel = NodeAttributes.Ints(node, "kernel_shape");
        if (kernel is not null && (kernel.Length != 2 || kernel[0] != _kh || kernel[1] != _kw))
            throw new ShapeException($"kernel_shape {Shapes.Format(kernel)} does not match weight [{string.Join(",", weight.Dims)}]");
        _strides = NodeAttributes.Ints(node, "strides") ?? [1, 1];
        _dilations = NodeAttributes.Ints(node, "dilations") ?? [1, 1];
        _pads = NodeAttributes.Ints(node, "pads") ?? [0, 0, 0, 0];
        _autoPad = NodeAttributes.String(node, "auto_pad", "NOTSET");
        if (_strides.Length != 2 || _dilations.Length != 2 || _pads.Length != 4) throw new ShapeException("strides, dilations and pads must have 2, 2 and 4 entries");
        if (_strides.Any(s => s < 1) || _dilations.Any(d => d < 1) || _pads.Any(p => p < 0)) throw new ShapeException("strides and dilations must be positive and pads non-negative");
        if (_autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER")) throw new ShapeException($"auto_pad '{_autoPad}' is not supported");
        if (bias is not null && bias.ElementCount != _outChannels) throw new ShapeException($"bias has {bias.ElementCount} values for {_outChannels} output channels");
        _bias = bias?.Floats;

        int outPerGroup = _outChannels / _group, columns = _inPerGroup * _kh * _kw;
        var w = weight.Floats!;
        _weights = new LinearWeights[_group];
        for (int g = 0; g < _group; g++)
            _weights[g] = LinearWeights.Create(w.AsSpan(g * outPerGroup * columns, outPerGroup * columns).ToArray(), outPerGroup, columns, forRows: false, forceSparse);
        IsSparse = _weights.All(x => x.IsSparse);
        _shiftable = IsSparse && _strides[0] == 1 && _strides[1] == 1 && _dilations[0] == 1 && _dilations[1] == 1;
    }

    public bool IsSparse { get; }

    // Sparse weights with stride 1 and no dilation run as a direct ("implicit im2col") sparse convolution.
    private readonly bool _shiftable;

    private sealed record ShiftTable(int Height, int Width, int[][] Offsets);

    private volatile ShiftTable? _shifts;

    /// <summary>Each nonzero's input shift for a (padded) input of height × width; cached, runs are concurrent so the cache is immutable.</summary>
    private int[][] Shifts(int height, int width)
    {
        var table = _shifts;
        if (table is not null && table.Height == height && table.Width == width) return table.Offsets;
        var offsets = _weights.Select(wt =>
        {
            var csr = wt.Sparse!;
            return csr.Columns.Select(r => (r / (_kh * _kw)) * height * width + (r / _kw % _kh) * width + r % _kw).ToArray();
        }).ToArray();
        _shifts = new ShiftTable(height, width, offsets);
        return offsets;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void ExecuteShifted(Value x, Value y, int top, int left, int oh, int ow)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int hp = oh + _kh - 1, wp = ow + _kw - 1, outPerGroup = _outChannels / _group;
        bool padded = hp != h || wp != w;
        var offsets = Shifts(hp, wp);
        int span = (oh - 1) * wp + ow;
        var scratch = ArrayPool<float>.Shared.Rent(span);
        var paddedInput = padded ? ArrayPool<float>.Shared.Rent(_inPerGroup * hp * wp) : null;
        try
        {
            for (int s = 0; s < n; s++)
            for (int g = 0; g < _group; g++)
            {
                ReadOnlySpan<float> src = x.Data.AsSpan((s * c + g * _inPerGroup) * h * w, _inPerGroup * h * w);
                if (paddedInput is not null)
                {
                    var dst = paddedInput.AsSpan(0, _inPerGroup * hp * wp);
                    dst.Clear();
                    for (int ch = 0; ch < _inPerGroup; ch++)
                    for (int iy = 0; iy < h; iy++)
                    {
                        int py = iy + top;
                        if ((uint)py >= (uint)hp) continue;
                        // Columns that fall outside the padded width (negative pads are not allowed) are clipped.
                        int from = Math.Max(0, -left), to = Math.Min(w, wp - left);
                        if (to > from) src.Slice((ch * h + iy) * w + from, to - from).CopyTo(dst.Slice((ch * hp + py) * wp + left + from));
                    }
                    src = dst;
                }
                var bias = _bias is null ? ReadOnlySpan<float>.Empty : _bias.AsSpan(g * outPerGroup, outPerGroup);
                _weights[g].Sparse!.ConvolveShifted(src, offsets[g], wp, oh, ow, bias, scratch,
                    y.Data.AsSpan((s * _outChannels + g * outPerGroup) * oh * ow, outPerGroup * oh * ow));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
            if (paddedInput is not null) ArrayPool<float>.Shared.Return(paddedInput);
        }
    }

    private (int Top, int Left, int OutH, int OutW) Geometry(int h, int w)
    {
        int ekh = (_kh - 1) * _dilations[0] + 1, ekw = (_kw - 1) * _dilations[1] + 1;
        int top = _pads[0], left = _pads[1], bottom = _pads[2], right = _pads[3];
        if (_autoPad == "VALID") top = left = bottom = right = 0;
        else if (_autoPad.StartsWith("SAME", StringComparison.Ordinal))
        {
            int oh = (h + _strides[0] - 1) / _strides[0], ow = (w + _strides[1] - 1) / _strides[1];
            int ph = Math.Max(0, (oh - 1) * _strides[0] + ekh - h), pw = Math.Max(0, (ow - 1) * _strides[1] + ekw - w);
            bool upper = _autoPad == "SAME_UPPER";
            top = upper ? ph / 2 : ph - ph / 2; bottom = ph - top;
            left = upper ? pw / 2 : pw - pw / 2; right = pw - left;
        }
        int outH = (h + top + bottom - ekh) / _strides[0] + 1, outW = (w + left + right - ekw) / _strides[1] + 1;
        if (h + top + bottom < ekh || w + left + right < ekw) throw new ShapeException($"input {h}x{w} is smaller than the {ekh}x{ekw} kernel");
        return (top, left, outH, outW);
    }

    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        if (x.Length != 4) throw new ShapeException($"input must be NCHW, got {Shapes.Format(x)}");
        if (x[1] != _inPerGroup * _group) throw new ShapeException($"input has {x[1]} channels, weights expect {_inPerGroup * _group}");
        var (_, _, oh, ow) = Geometry(x[2], x[3]);
        return [[x[0], _outChannels, oh, ow]];
    }

    public override long Work(int[]?[] inputs)
    {
        var o = InferShapes(inputs)[0];
        return (long)o[0] * o[2] * o[3] * (_weights.Sum(w => w.NonZeros) + _outChannels);
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!;
        var y = outputs[0];
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var (top, left, oh, ow) = Geometry(h, w);
        int plane = oh * ow, outPerGroup = _outChannels / _group, columns = _inPerGroup * _kh * _kw;
        if (_shiftable)
        {
            ExecuteShifted(x, y, top, left, oh, ow);
            return;
        }
        bool direct = _kh == 1 && _kw == 1 && _strides[0] == 1 && _strides[1] == 1 && top == 0 && left == 0 && oh == h && ow == w;
        float[]? cols = direct ? null : ArrayPool<float>.Shared.Rent(columns * plane);
        try
        {
            for (int s = 0; s < n; s++)
            {
                for (int g = 0; g < _group; g++)
                {
                    var src = x.Data.AsSpan((s * c + g * _inPerGroup) * h * w, _inPerGroup * h * w);
                    ReadOnlySpan<float> b = src;
                    if (cols is not null)
                    {
                        Im2Col(src, _inPerGroup, h, w, top, left, oh, ow, cols);
                        b = cols.AsSpan(0, columns * plane);
                    }
                    var dst = y.Data.AsSpan((s * _outChannels + g * outPerGroup) * plane, outPerGroup * plane);
                    _weights[g].MultiplyInto(b, plane, plane, dst, plane);
                }
                if (_bias is not null)
                {
                    for (int o = 0; o < _outChannels; o++)
                    {
                        var row = y.Data.AsSpan((s * _outChannels + o) * plane, plane);
                        float bo = _bias[o];
                        for (int i = 0; i < row.Length; i++) row[i] += bo;
                    }
                }
            }
        }
        finally
        {
            if (cols is not null) ArrayPool<float>.Shared.Return(cols);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Im2Col(ReadOnlySpan<float> src, int channels, int h, int w, int top, int left, int oh, int ow, Span<float> cols)
    {
        int sh = _strides[0], sw = _strides[1], dh = _dilations[0], dw = _dilations[1];
        int row = 0;
        for (int ch = 0; ch < channels; ch++)
        for (int ki = 0; ki < _kh; ki++)
        for (int kj = 0; kj < _kw; kj++, row++)
        {
            var dst = cols.Slice(row * oh * ow, oh * ow);
            for (int oy = 0; oy < oh; oy++)
            {
                int iy = oy * sh - top + ki * dh;
                var line = dst.Slice(oy * ow, ow);
                if ((uint)iy >= (uint)h) { line.Clear(); continue; }
                var srcRow = src.Slice((ch * h + iy) * w, w);
                int ix0 = -left + kj * dw;
                if (sw == 1 && ix0 >= 0 && ix0 + ow <= w) { srcRow.Slice(ix0, ow).CopyTo(line); continue; }
                for (int ox = 0; ox < ow; ox++)
                {
                    int ix = ix0 + ox * sw;
                    line[ox] = (uint)ix < (uint)w ? srcRow[ix] : 0f;
                }
            }
        }
    }
}
