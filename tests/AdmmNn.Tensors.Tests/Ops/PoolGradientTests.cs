using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

public sealed class PoolGradientTests
{
    private static int OutSize(int input, int k, int s, int pb, int pe, int d, bool ceil)
    {
        double v = (input + pb + pe - d * (k - 1) - 1) / (double)s;
        int o = (int)(ceil ? Math.Ceiling(v) : Math.Floor(v)) + 1;
        if (ceil && (o - 1) * s >= input + pb)
        {
            o--;
        }

        return o;
    }

    private static void Check(string opType, int[] x, int[] k, int[] s, int[] pads, int[] d, bool ceil, bool includePad)
    {
        var op = new OpGraph(opType).Random("x", x)
            .Attr("kernel_shape", k.Select(v => (long)v).ToArray()).Attr("strides", s.Select(v => (long)v).ToArray())
            .Attr("pads", pads.Select(v => (long)v).ToArray()).AttrInt("ceil_mode", ceil ? 1 : 0);
        if (opType == "MaxPool")
        {
            op.Attr("dilations", d.Select(v => (long)v).ToArray());
        }
        else
        {
            op.AttrInt("count_include_pad", includePad ? 1 : 0);
        }

        int oh = OutSize(x[2], k[0], s[0], pads[0], pads[2], d[0], ceil), ow = OutSize(x[3], k[1], s[1], pads[1], pads[3], d[1], ceil);
        GradientCheck.Run(op, o => Reference.Pool(o["x"], opType == "MaxPool", k, s, pads, d, oh, ow, includePad));
    }

    [Fact]
    public void Max_2x2_stride_2() => Check("MaxPool", [2, 3, 8, 8], [2, 2], [2, 2], [0, 0, 0, 0], [1, 1], false, false);

    [Fact]
    public void Max_odd_size_2x2() => Check("MaxPool", [1, 2, 7, 9], [2, 2], [2, 2], [0, 0, 0, 0], [1, 1], false, false);

    [Fact]
    public void Max_3x3_padded_ceil_mode() => Check("MaxPool", [1, 2, 7, 8], [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], true, false);

    /// <summary>resnet18's stem pool: 3×3 stride 2 pad 1 on even planes (the clipped-window path, no per-tap bounds checks).</summary>
    [Fact]
    public void Max_3x3_stride_2_pad_1_resnet18() => Check("MaxPool", [2, 3, 16, 12], [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], false, false);

    /// <summary>Undilated windows with a horizontal stride other than 2: the clipped-window scalar path.</summary>
    [Fact]
    public void Max_3x3_stride_1_and_3_padded()
    {
        Check("MaxPool", [2, 2, 7, 9], [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], false, false);
        Check("MaxPool", [1, 3, 8, 10], [3, 2], [2, 3], [1, 0, 1, 1], [1, 1], true, false);
    }

    [Fact]
    public void Max_dilated() => Check("MaxPool", [1, 2, 9, 9], [2, 3], [1, 2], [0, 1, 0, 1], [2, 2], false, false);

    [Fact]
    public void Average_padding_excluded() => Check("AveragePool", [2, 2, 6, 7], [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], false, false);

    [Fact]
    public void Average_padding_included_ceil_mode() => Check("AveragePool", [1, 2, 6, 7], [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], true, true);

    [Fact]
    public void Average_asymmetric_window() => Check("AveragePool", [1, 3, 5, 6], [2, 3], [1, 2], [0, 1, 1, 0], [1, 1], false, false);

    [Fact]
    public void Global_average() =>
        GradientCheck.Run(new OpGraph("GlobalAveragePool").Random("x", [2, 3, 4, 5]), o =>
        {
            var x = o["x"];
            var y = DTensor.Zeros(2, 3, 1, 1);
            for (int p = 0; p < 6; p++)
            {
                y.V[p] = x.V.Skip(p * 20).Take(20).Average();
            }

            return y;
        });
}
