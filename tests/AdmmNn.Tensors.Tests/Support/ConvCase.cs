using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Tests.Support;

/// <summary>One convolution's shape for the kernel tests: batch, channels, plane, kernel, strides, four pads, dilations.</summary>
internal sealed record ConvCase(int N, int Cin, int Cout, int H, int W, int Kh, int Kw, int Sh, int Sw, int Pt, int Pl, int Pb, int Pr, int Dh, int Dw)
{
    public int OutH => (H + Pt + Pb - Dh * (Kh - 1) - 1) / Sh + 1;

    public int OutW => (W + Pl + Pr - Dw * (Kw - 1) - 1) / Sw + 1;

    public ConvShape Shape => new(H, W, OutH, OutW, Kh, Kw, Sh, Sw, Pt, Pl, Dh, Dw);

    public DirectConv.Layout Layout => new(Shape, Cin, Cout);

    /// <summary>The double-precision reference output for images <paramref name="x"/>, weights <paramref name="w"/> and <paramref name="bias"/>.</summary>
    public DTensor ReferenceOutput(float[] x, float[] w, float[] bias) =>
        Reference.Conv(new DTensor(x.Select(v => (double)v).ToArray(), [N, Cin, H, W]),
            new DTensor(w.Select(v => (double)v).ToArray(), [Cout, Cin, Kh, Kw]),
            new DTensor(bias.Select(v => (double)v).ToArray(), [Cout]), [Sh, Sw], [Pt, Pl, Pb, Pr], [Dh, Dw], 1);

    /// <summary>The weight gradient Σ dY ⊗ shifted X in double precision, laid out [Cout, Cin·Kh·Kw], by the plain seven-deep loop.</summary>
    public double[] ReferenceWeightGradient(float[] x, float[] dy)
    {
        int outHW = OutH * OutW, k = Cin * Kh * Kw;
        var expected = new double[Cout * k];
        for (int n = 0; n < N; n++)
        for (int co = 0; co < Cout; co++)
        for (int ci = 0; ci < Cin; ci++)
        for (int ki = 0; ki < Kh; ki++)
        for (int kj = 0; kj < Kw; kj++)
        for (int oh = 0; oh < OutH; oh++)
        for (int ow = 0; ow < OutW; ow++)
        {
            int ih = oh * Sh - Pt + ki * Dh, iw = ow * Sw - Pl + kj * Dw;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W)
            {
                expected[co * k + (ci * Kh + ki) * Kw + kj] += (double)dy[(n * Cout + co) * outHW + oh * OutW + ow] * x[((n * Cin + ci) * H + ih) * W + iw];
            }
        }

        return expected;
    }

    /// <summary>
    /// A random shape with 1 to <paramref name="maxN"/> − 1 images, 1 to <paramref name="maxCin"/> − 1 input channels, 64 or
    /// 128 output channels, kernels 1×1 to 5×4 (more than one tap), strides 1–3 × 1–2, dilation 1–2, asymmetric padding,
    /// planes 2 to 13 (or <paramref name="maxSize"/> − 1), accepted by <paramref name="accept"/>.
    /// </summary>
    public static ConvCase Random(Random r, int maxN, int maxCin, int maxSize, Func<ConvCase, bool> accept)
    {
        while (true)
        {
            int kh = r.Next(1, 6), kw = r.Next(1, 5), dh = r.Next(1, 3), dw = r.Next(1, 3);
            var c = new ConvCase(r.Next(1, maxN), r.Next(1, maxCin), r.Next(1, 3) * 64, r.Next(2, maxSize), r.Next(2, maxSize), kh, kw, r.Next(1, 4), r.Next(1, 3),
                r.Next(0, kh), r.Next(0, kw), r.Next(0, kh), r.Next(0, kw), dh, dw);
            if (c.OutH > 0 && c.OutW > 0 && kh * kw > 1 && accept(c))
            {
                return c;
            }
        }
    }

    /// <summary><paramref name="count"/> floats uniform in [−1, 1).</summary>
    public static float[] RandomFloats(Random r, int count) => Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
}
