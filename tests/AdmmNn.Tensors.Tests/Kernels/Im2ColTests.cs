using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// Im2Col's unfold and fold (including the block-copy path for stride-1 shapes whose output rows are as wide as the
/// input's) against a plain element-by-element reference, on random shapes: odd sizes, padding, dilation, stride 2.
/// </summary>
public sealed class Im2ColTests
{
    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };

    private static ConvShape RandomShape(Random r)
    {
        int kh = r.Next(1, 6), kw = r.Next(1, 6), dh = r.Next(1, 3), dw = r.Next(1, 3);
        int sh = r.Next(1, 3), sw = r.Next(1, 3);
        // Half the cases "same" padding with stride 1 (the block path), the rest anything.
        bool same = r.Next(2) == 0;
        if (same)
        {
            sh = sw = 1;
        }

        int h = r.Next(1, 12) + (kh - 1) * dh, w = r.Next(1, 12) + (kw - 1) * dw;
        int pt = same ? (kh - 1) * dh / 2 : r.Next(0, 3), pl = same ? (kw - 1) * dw / 2 : r.Next(0, 3);
        int pb = same ? (kh - 1) * dh - pt : r.Next(0, 3), pr = same ? (kw - 1) * dw - pl : r.Next(0, 3);
        int oh = (h + pt + pb - (kh - 1) * dh - 1) / sh + 1, ow = (w + pl + pr - (kw - 1) * dw - 1) / sw + 1;
        return new ConvShape(h, w, oh, ow, kh, kw, sh, sw, pt, pl, dh, dw);
    }

    private static float ReferenceTap(float[] image, ConvShape g, int c, int ki, int kj, int oh, int ow)
    {
        int ih = oh * g.StrideH - g.PadTop + ki * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kj * g.DilationW;
        return ih < 0 || ih >= g.InH || iw < 0 || iw >= g.InW ? 0f : image[(c * g.InH + ih) * g.InW + iw];
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Unfold_matches_the_plain_definition(int seed)
    {
        var r = new Random(seed);
        var g = RandomShape(r);
        int channels = r.Next(1, 4), ohw = g.OutH * g.OutW, offset = r.Next(0, 5), ld = ohw + offset + r.Next(0, 5);
        var image = Enumerable.Range(0, channels * g.InH * g.InW).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        var col = Enumerable.Repeat(float.NaN, channels * g.KernelH * g.KernelW * ld).ToArray();
        Im2Col.Unfold(image, g, channels, col, offset, ld);
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    for (int p = 0; p < ohw; p++)
                    {
                        Assert.Equal(ReferenceTap(image, g, c, ki, kj, p / g.OutW, p % g.OutW), col[row * ld + offset + p]);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Fold_is_the_exact_adjoint_of_unfold(int seed)
    {
        var r = new Random(seed + 1000);
        var g = RandomShape(r);
        int channels = r.Next(1, 4), ohw = g.OutH * g.OutW, offset = r.Next(0, 5), ld = ohw + offset + r.Next(0, 5);
        var col = Enumerable.Range(0, channels * g.KernelH * g.KernelW * ld).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        var start = Enumerable.Range(0, channels * g.InH * g.InW).Select(_ => (float)r.NextDouble()).ToArray();
        var image = (float[])start.Clone();
        Im2Col.FoldAdd(col, offset, ld, g, channels, image);

        // Reference: the same additions, row by row in order, element by element.
        var expected = (float[])start.Clone();
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    for (int p = 0; p < ohw; p++)
                    {
                        int oh = p / g.OutW, ow = p % g.OutW;
                        int ih = oh * g.StrideH - g.PadTop + ki * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kj * g.DilationW;
                        if (ih >= 0 && ih < g.InH && iw >= 0 && iw < g.InW)
                        {
                            expected[(c * g.InH + ih) * g.InW + iw] += col[row * ld + offset + p];
                        }
                    }
                }
            }
        }

        Assert.Equal(expected, image);
    }
}
