namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// A convolution on a plane no larger than (a small multiple of) its kernel, run as one dense matrix product over the
/// whole batch. Each output position p of output channel co is a fixed linear function of the input image, so the
/// convolution is Y[n, (co, p)] = Σ X[n, (ci, q)] · D[(co, p), (ci, q)], where D holds W[co, ci, tap] wherever tap
/// connects input pixel q to output position p and zero elsewhere. X and Y are the NCHW tensors themselves (no im2col,
/// no scatter); only connected pairs cost multiplies beyond the dense product, and taps that read only padding for
/// every output (a 3×3 pad-1 kernel on a 1×1 plane has 8 of them) never appear.
/// Backward: dX += dY·D and dD = dYᵀ·X, folded back onto the taps (<see cref="GatherAdd"/>) in a fixed order.
/// </summary>
internal sealed class SmallPlaneConv
{
    /// <summary>Most floats of D this path builds (it is cached per op, and dD is as large in training).</summary>
    public const long MaxDenseFloats = 1L << 22;

    private readonly int[] _out;
    private readonly int[] _in;
    private readonly int[] _tap;

    public SmallPlaneConv(in ConvShape g, int cin, int cout)
    {
        G = g;
        Cin = cin;
        Cout = cout;
        var pairs = Pairs(g);
        _out = pairs.Select(p => p.Out).ToArray();
        _in = pairs.Select(p => p.In).ToArray();
        _tap = pairs.Select(p => p.Tap).ToArray();
    }

    public ConvShape G { get; }

    public int Cin { get; }

    public int Cout { get; }

    public int Taps => G.KernelH * G.KernelW;

    public int InHW => G.InH * G.InW;

    public int OutHW => G.OutH * G.OutW;

    /// <summary>Rows of D: Cout·OH·OW (one image's output).</summary>
    public int Rows => Cout * OutHW;

    /// <summary>Columns of D: Cin·H·W (one image's input).</summary>
    public int Columns => Cin * InHW;

    /// <summary>(output position, input pixel) pairs a tap connects, per input/output channel pair.</summary>
    public int Connections => _tap.Length;

    /// <summary>
    /// Whether the dense product is worth it: its multiply-adds (H·W per output) at most <paramref name="ratio"/> times
    /// im2col's (kh·kw per output), and D small enough to keep.
    /// </summary>
    public static bool Pays(in ConvShape g, int cin, int cout, double ratio) =>
        ratio > 0 && g.InH * g.InW <= ratio * g.KernelH * g.KernelW && (long)cout * g.OutH * g.OutW * cin * g.InH * g.InW <= MaxDenseFloats;

    /// <summary>
    /// Writes W (Cout × Cin × kh × kw) into the connected entries of <paramref name="dense"/> (Rows × Columns); the other
    /// entries must already be zero (they depend only on the shape, so a buffer cleared once stays valid).
    /// </summary>
    public void Expand(ReadOnlySpan<float> w, Span<float> dense, int co0, int coCount)
    {
        int taps = Taps, ohw = OutHW, inHW = InHW, columns = Columns;
        for (int co = co0; co < co0 + coCount; co++)
        {
            for (int ci = 0; ci < Cin; ci++)
            {
                ReadOnlySpan<float> wk = w.Slice((co * Cin + ci) * taps, taps);
                int baseIndex = co * ohw * columns + ci * inHW;
                for (int k = 0; k < _tap.Length; k++)
                {
                    dense[baseIndex + _out[k] * columns + _in[k]] = wk[_tap[k]];
                }
            }
        }
    }

    /// <summary>
    /// dW[co, ci, tap] += Σ dD[(co, p), (ci, q)] over the pairs the tap connects, in pair order (deterministic), for
    /// output channels [<paramref name="co0"/>, co0 + <paramref name="coCount"/>).
    /// </summary>
    public void GatherAdd(ReadOnlySpan<float> denseGrad, Span<float> dw, int co0, int coCount)
    {
        int taps = Taps, ohw = OutHW, inHW = InHW, columns = Columns;
        Span<float> sums = stackalloc float[taps];
        for (int co = co0; co < co0 + coCount; co++)
        {
            for (int ci = 0; ci < Cin; ci++)
            {
                sums.Clear();
                int baseIndex = co * ohw * columns + ci * inHW;
                for (int k = 0; k < _tap.Length; k++)
                {
                    sums[_tap[k]] += denseGrad[baseIndex + _out[k] * columns + _in[k]];
                }

                Span<float> dwk = dw.Slice((co * Cin + ci) * taps, taps);
                for (int t = 0; t < taps; t++)
                {
                    dwk[t] += sums[t];
                }
            }
        }
    }

    /// <summary>Every (output position, input pixel, tap) the geometry connects, output-major, taps in kernel order.</summary>
    private static List<(int Out, int In, int Tap)> Pairs(in ConvShape g)
    {
        var pairs = new List<(int, int, int)>();
        for (int oh = 0; oh < g.OutH; oh++)
        {
            for (int ow = 0; ow < g.OutW; ow++)
            {
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
                        if ((uint)iw < (uint)g.InW)
                        {
                            pairs.Add((oh * g.OutW + ow, ih * g.InW + iw, ki * g.KernelW + kj));
                        }
                    }
                }
            }
        }

        return pairs;
    }
}
