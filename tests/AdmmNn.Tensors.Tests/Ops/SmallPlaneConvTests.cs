using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Tests.Support;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Ops;

/// <summary>
/// Convolutions on planes no larger than their kernel (resnet18's 2×2 and 1×1 stages) run as one dense product over the
/// batch (<see cref="SmallPlaneConv"/>): forward against double loops, gradients against finite differences, and the
/// same values as im2col + GEMM, bit-identical for any worker count.
/// </summary>
public sealed class SmallPlaneConvTests
{
    private static ConvShape Shape(int h, int w, int kh, int kw, int stride, int[] pads, int dilation)
    {
        int oh = (h + pads[0] + pads[2] - dilation * (kh - 1) - 1) / stride + 1;
        int ow = (w + pads[1] + pads[3] - dilation * (kw - 1) - 1) / stride + 1;
        return new ConvShape(h, w, oh, ow, kh, kw, stride, stride, pads[0], pads[1], dilation, dilation);
    }

    private static OpGraph Conv(int[] x, int[] w, bool bias, int stride, int[] pads, int dilation, int seed = 1)
    {
        var op = new OpGraph("Conv", seed).Random("x", x).Random("w", w);
        if (bias)
        {
            op.Random("b", [w[0]]);
        }

        return op.Attr("strides", [stride, stride]).Attr("dilations", [dilation, dilation]).Attr("pads", pads.Select(v => (long)v).ToArray());
    }

    private static void Check(int[] x, int[] w, bool bias, int stride, int[] pads, int dilation)
    {
        var shape = Shape(x[2], x[3], w[2], w[3], stride, pads, dilation);
        Assert.True(SmallPlaneConv.Pays(shape, x[1], w[0], ConvOp.SmallPlaneRatio), "the shape should take the small-plane path");
        GradientCheck.Run(Conv(x, w, bias, stride, pads, dilation),
            o => Reference.Conv(o["x"], o["w"], bias ? o["b"] : null, [stride, stride], pads, [dilation, dilation], 1));
    }

    /// <summary>1×1 plane, 3×3 pad 1: only the centre tap reads the image.</summary>
    [Fact]
    public void One_by_one_plane_three_by_three_pad_one() => Check([3, 5, 1, 1], [7, 5, 3, 3], true, 1, [1, 1, 1, 1], 1);

    [Fact]
    public void Two_by_two_plane_pad_one() => Check([2, 4, 2, 2], [6, 4, 3, 3], false, 1, [1, 1, 1, 1], 1);

    /// <summary>resnet18's layer4.0.conv1: 2×2 → 1×1 at stride 2, pad 1 (four of nine taps read the image).</summary>
    [Fact]
    public void Two_by_two_to_one_by_one_stride_two() => Check([3, 3, 2, 2], [5, 3, 3, 3], true, 2, [1, 1, 1, 1], 1);

    [Fact]
    public void Odd_plane_asymmetric_padding() => Check([2, 3, 3, 2], [4, 3, 3, 3], true, 1, [2, 0, 1, 1], 1);

    [Fact]
    public void Valid_convolution_on_a_plane_the_size_of_the_kernel() => Check([2, 3, 3, 3], [2, 3, 3, 3], true, 1, [0, 0, 0, 0], 1);

    [Fact]
    public void Dilated_with_wide_padding() => Check([1, 2, 2, 3], [3, 2, 3, 3], false, 1, [2, 2, 2, 1], 2);

    [Fact]
    public void Batch_one() => Check([1, 6, 2, 1], [3, 6, 3, 2], true, 1, [1, 1, 1, 0], 1);

    /// <summary>Random tiny shapes the rule sends to the small-plane path: odd sizes, asymmetric padding, stride 1–2, dilation 1–2.</summary>
    [Theory]
    [MemberData(nameof(RandomSeeds.First), 6, MemberType = typeof(RandomSeeds))]
    public void Random_shapes(int seed)
    {
        var r = new Random(seed);
        while (true)
        {
            int kh = r.Next(1, 4), kw = r.Next(1, 4), stride = r.Next(1, 3), dilation = r.Next(1, 3);
            int[] pads = [r.Next(0, kh), r.Next(0, kw), r.Next(0, kh), r.Next(0, kw)];
            int h = r.Next(1, 4), w = r.Next(1, 4);
            if (h + pads[0] + pads[2] < dilation * (kh - 1) + 1 || w + pads[1] + pads[3] < dilation * (kw - 1) + 1)
            {
                continue;
            }

            var shape = Shape(h, w, kh, kw, stride, pads, dilation);
            int cin = r.Next(1, 6), cout = r.Next(1, 6);
            if (!SmallPlaneConv.Pays(shape, cin, cout, ConvOp.SmallPlaneRatio))
            {
                continue;
            }

            Check([r.Next(1, 4), cin, h, w], [cout, cin, kh, kw], r.Next(2) == 0, stride, pads, dilation);
            return;
        }
    }

    /// <summary>D is kept between calls: weights changed in place (an optimizer step) must be expanded again.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Weights_changed_in_place_are_used_by_the_next_call(bool training)
    {
        var op = Conv([3, 4, 2, 2], [5, 4, 3, 3], bias: true, 1, [1, 1, 1, 1], 1);
        var module = GraphModule.FromGraph(op.Graph);
        module.Training = training;
        module.Run(new Dictionary<string, Tensor>());
        var w = module.Parameter("w")!.Value.Data;
        var wRef = op.Operands["w"].Copy();
        for (int i = 0; i < w.Length; i += 3)
        {
            w[i] += 0.25f;
            wRef.V[i] = w[i];
        }

        var y = module.Run(new Dictionary<string, Tensor>())["y"].ToArray();
        var yRef = Reference.Conv(op.Operands["x"], wRef, op.Operands["b"], [1, 1], [1, 1, 1, 1], [1, 1], 1);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - yRef.V[i]) <= 1e-4 * Math.Max(1, Math.Abs(yRef.V[i])), $"y[{i}]: {y[i]} vs reference {yRef.V[i]}");
        }
    }

    [Fact]
    public void Planes_larger_than_the_kernel_do_not_take_it()
    {
        Assert.False(SmallPlaneConv.Pays(Shape(4, 4, 3, 3, 1, [1, 1, 1, 1], 1), 128, 128, 1.0));
        Assert.True(SmallPlaneConv.Pays(Shape(2, 2, 3, 3, 1, [1, 1, 1, 1], 1), 256, 256, 1.0));
        Assert.False(SmallPlaneConv.Pays(Shape(2, 2, 1, 1, 2, [0, 0, 0, 0], 1), 256, 512, 1.0));
        Assert.False(SmallPlaneConv.Pays(Shape(2, 2, 3, 3, 1, [1, 1, 1, 1], 1), 256, 256, 0));
    }
}

/// <summary>Small-plane path against im2col + GEMM on resnet18-like channel counts, and its determinism over worker counts.</summary>
[Collection(WorkersCollection.Name)]
public sealed class SmallPlaneConvAgreementTests
{
    private static (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(int[] x, int[] w, int stride, double ratio, int threads)
    {
        double savedRatio = ConvOp.SmallPlaneRatio;
        ConvOp.SmallPlaneRatio = ratio;
        try
        {
            return ConvTrainingRun.Run(new OpGraph("Conv", 3).Random("x", x).Random("w", w).Random("b", [w[0]])
                .Attr("strides", [stride, stride]).Attr("pads", [1, 1, 1, 1]), threads);
        }
        finally
        {
            ConvOp.SmallPlaneRatio = savedRatio;
        }
    }

    private static void Close(float[] expected, float[] actual, string what) => ConvTrainingRun.Close(expected, actual, what);

    [Theory]
    [InlineData(5, 40, 24, 1, 1)]
    [InlineData(4, 32, 20, 2, 1)]
    [InlineData(3, 24, 40, 2, 2)]
    public void Matches_im2col_and_is_bit_identical_for_any_worker_count(int n, int cin, int cout, int size, int stride)
    {
        int[] x = [n, cin, size, size], w = [cout, cin, 3, 3];
        var gemm = Run(x, w, stride, ratio: 0, threads: 2);
        var one = Run(x, w, stride, ratio: 1, threads: 1);
        var two = Run(x, w, stride, ratio: 1, threads: 2);
        Close(gemm.Y, two.Y, "y");
        Close(gemm.Dx, two.Dx, "dX");
        Close(gemm.Dw, two.Dw, "dW");
        Close(gemm.Db, two.Db, "db");
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Dx, two.Dx);
        Assert.Equal(one.Dw, two.Dw);
        Assert.Equal(one.Db, two.Db);
    }
}
