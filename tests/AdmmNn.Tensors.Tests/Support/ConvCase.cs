using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Tests.Support;

/// <summary>One convolution's shape for the kernel tests: batch, channels, plane, kernel, strides, four pads, dilations.</summary>
internal sealed record ConvCase(int N, int Cin, int Cout, int H, int W, int Kh, int Kw, int Sh, int Sw, int Pt, int Pl, int Pb, int Pr, int Dh, int Dw)
{
    public int OutH => (H + Pt + Pb - Dh * (Kh - 1) - 1) / Sh + 1;

    public int OutW => (W + Pl + Pr - Dw * (Kw - 1) - 1) / Sw + 1;

    public ConvShape Shape => new(H, W, OutH, OutW, Kh, Kw, Sh, Sw, Pt, Pl, Dh, Dw);

    public DirectConv.Layout Layout => new(Shape, Cin, Cout);

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
