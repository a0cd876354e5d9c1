using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Tests.Support;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Ops;

/// <summary>
/// Training convolutions on the kernels vectorized over output channels (64 or 128 output channels, k×k): the forward
/// and the stride-1 input gradient on <see cref="OuterProductConv"/>, the weight gradient on
/// <see cref="DirectWeightGradient"/>. The forward against the double loop and every gradient against finite differences
/// through the op, all against im2col + GEMM, and bit-identical for 1, 2 and 3 workers.
/// </summary>
[Collection(WorkersCollection.Name)]
public sealed class OuterProductConvOpTests
{
    private static OpGraph Conv(int[] x, int[] w, int stride, int[] pads, int dilation = 1) =>
        new OpGraph("Conv", 3).Random("x", x).Random("w", w).Random("b", [w[0]])
            .Attr("strides", [stride, stride]).Attr("pads", pads.Select(p => (long)p).ToArray()).Attr("dilations", [dilation, dilation]);

    /// <summary>Odd sizes, stride 2, asymmetric padding, dilation, batch 1; the rule must pick the kernel for these shapes.</summary>
    [Theory]
    [InlineData(2, 3, 64, 5, 7, 3, 1, new[] { 1, 1, 1, 1 }, 1)]
    [InlineData(1, 2, 64, 7, 6, 3, 2, new[] { 1, 0, 2, 1 }, 1)]
    [InlineData(2, 2, 128, 6, 5, 2, 1, new[] { 0, 1, 1, 0 }, 2)]
    [InlineData(1, 1, 64, 9, 9, 5, 2, new[] { 2, 2, 2, 2 }, 1)]
    [InlineData(2, 64, 64, 5, 3, 3, 1, new[] { 1, 1, 1, 1 }, 1)]
    public void Gradients_match_finite_differences(int n, int cin, int cout, int h, int w, int k, int stride, int[] pads, int dilation)
    {
        var shape = new ConvShape(h, w, (h + pads[0] + pads[2] - dilation * (k - 1) - 1) / stride + 1, (w + pads[1] + pads[3] - dilation * (k - 1) - 1) / stride + 1,
            k, k, stride, stride, pads[0], pads[1], dilation, dilation);
        Assert.Equal(DirectConv.IsSupported, ConvAlgorithmRule.PrefersOuterProductWeightGradient(new DirectConv.Layout(shape, cin, cout)));
        Assert.Equal(DirectConv.IsSupported, ConvAlgorithmRule.PrefersOuterProduct(new DirectConv.Layout(shape, cin, cout)));
        GradientCheck.Run(Conv([n, cin, h, w], [cout, cin, k, k], stride, pads, dilation),
            o => Reference.Conv(o["x"], o["w"], o["b"], [stride, stride], pads, [dilation, dilation], 1), training: true);
    }

    private static (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(int[] x, int[] w, int stride, ConvAlgorithm algorithm, int threads)
    {
        var savedAlgorithm = ConvOp.Algorithm;
        ConvOp.Algorithm = algorithm;
        try
        {
            return ConvTrainingRun.Run(Conv(x, w, stride, [1, 1, 1, 1]), threads);
        }
        finally
        {
            ConvOp.Algorithm = savedAlgorithm;
        }
    }

    private static void Close(float[] expected, float[] actual, string what) => ConvTrainingRun.Close(expected, actual, what);

    /// <summary>resnet18-32-like shapes (8×8 and 4×4 planes, 64→128 stride 2, 64 and 128 input channels for the input gradient) at batches of 1 to 9 images.</summary>
    [Theory]
    [InlineData(9, 16, 64, 8, 1)]
    [InlineData(5, 64, 64, 5, 1)]
    [InlineData(2, 128, 128, 4, 1)]
    [InlineData(3, 24, 128, 8, 2)]
    [InlineData(1, 32, 128, 4, 1)]
    public void Matches_im2col_and_is_bit_identical_for_any_worker_count(int n, int cin, int cout, int size, int stride)
    {
        int[] x = [n, cin, size, size], w = [cout, cin, 3, 3];
        var gemm = Run(x, w, stride, ConvAlgorithm.Im2Col, threads: 2);
        var one = Run(x, w, stride, ConvAlgorithm.Auto, threads: 1);
        var two = Run(x, w, stride, ConvAlgorithm.Auto, threads: 2);
        var three = Run(x, w, stride, ConvAlgorithm.Auto, threads: 3);
        Close(gemm.Y, two.Y, "y");
        Close(gemm.Dx, two.Dx, "dX");
        Close(gemm.Dw, two.Dw, "dW");
        Close(gemm.Db, two.Db, "db");
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Y, three.Y);
        Assert.Equal(one.Dw, two.Dw);
        Assert.Equal(one.Dw, three.Dw);
        Assert.Equal(one.Db, two.Db);
        Assert.Equal(one.Dx, two.Dx);
        Assert.Equal(one.Dx, three.Dx);
    }
}
