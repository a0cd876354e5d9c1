using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>The vectorized stride-2 max pool against the first-maximum scan, on random geometries with ties, NaN and −∞.</summary>
public sealed class MaxPoolStride2Tests
{
    internal static (float[] Y, int[] Arg) Scan(float[] x, ConvShape g)
    {
        var y = new float[g.OutH * g.OutW];
        var arg = new int[y.Length];
        for (int oh = 0; oh < g.OutH; oh++)
        {
            for (int ow = 0; ow < g.OutW; ow++)
            {
                float v = 0f;
                int best = -1;
                for (int ki = 0; ki < g.KernelH; ki++)
                {
                    for (int kj = 0; kj < g.KernelW; kj++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + ki, iw = ow * g.StrideW - g.PadLeft + kj;
                        if (ih < 0 || ih >= g.InH || iw < 0 || iw >= g.InW)
                        {
                            continue;
                        }

                        float xv = x[ih * g.InW + iw];
                        if (best < 0 || xv > v)
                        {
                            (v, best) = (xv, ih * g.InW + iw);
                        }
                    }
                }

                y[oh * g.OutW + ow] = best < 0 ? 0f : v;
                arg[oh * g.OutW + ow] = best;
            }
        }

        return (y, arg);
    }

    [Theory]
    [MemberData(nameof(RandomSeeds.First), 8, MemberType = typeof(RandomSeeds))]
    public void Matches_the_first_maximum_scan(int seed)
    {
        var r = new Random(seed);
        for (int trial = 0; trial < 40; trial++)
        {
            int kh = r.Next(1, 5), kw = r.Next(1, 5), sh = r.Next(1, 4), pt = r.Next(0, kh), pl = r.Next(0, kw);
            int h = r.Next(1, 21), w = r.Next(1, 40);
            // Up to one extra output row/column past the usual count (ceil mode): windows that may lie wholly in padding.
            int oh = Math.Max(1, (h + 2 * pt - kh) / sh + 1 + r.Next(0, 2)), ow = Math.Max(1, (w + 2 * pl - kw) / 2 + 1 + r.Next(0, 2));
            var g = new ConvShape(h, w, oh, ow, kh, kw, sh, 2, pt, pl, 1, 1);
            Assert.True(MaxPoolStride2.Applies(g));
            var x = new float[h * w];
            for (int i = 0; i < x.Length; i++)
            {
                int kind = r.Next(40);
                x[i] = kind == 0 ? float.NaN : kind == 1 ? float.NegativeInfinity : r.Next(-3, 4) * 0.5f;
            }

            var (yRef, argRef) = Scan(x, g);
            var y = new float[yRef.Length];
            var arg = new int[argRef.Length];
            MaxPoolStride2.Forward(x, g, y, arg);
            Assert.Equal(argRef, arg);
            for (int i = 0; i < y.Length; i++)
            {
                Assert.True(yRef[i].Equals(y[i]), $"{g}: output {i} is {y[i]}, the scan gives {yRef[i]}");
            }
        }
    }
}
