using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// The convolution vectorized over output channels (<see cref="OuterProductConv"/>) against the double-precision
/// reference on random shapes (odd sizes, asymmetric padding, strides 1–3, dilation, 64 and 128 output channels, batch
/// 1–4), bit-identical for any grouping of images; and <see cref="BlockTranspose"/> against a loop.
/// </summary>
public sealed class OuterProductConvTests
{
    private static ConvCase RandomCase(Random r) => ConvCase.Random(r, 5, 9, 13, c => OuterProductConv.Supports(c.Layout));

    private static float[] RandomFloats(Random r, int count) => ConvCase.RandomFloats(r, count);

    /// <summary>y (N × Cout × OutH·OutW) by the kernel, images in groups of <paramref name="group"/>.</summary>
    private static float[] Run(ConvCase c, float[] x, float[] w, float[] bias, int group)
    {
        var layout = c.Layout;
        int inSize = c.Cin * c.H * c.W, ohw = c.OutH * c.OutW, inputFloats = OuterProductConv.InputFloats(layout);
        var packed = new float[layout.K * c.Cout];
        OuterProductConv.PackWeights(layout, w, packed);
        var y = new float[c.N * c.Cout * ohw];
        for (int i0 = 0; i0 < c.N; i0 += group)
        {
            int count = Math.Min(group, c.N - i0);
            // Garbage in the scratch must not leak into results.
            var inputs = Enumerable.Repeat(float.NaN, count * inputFloats).ToArray();
            var yt = Enumerable.Repeat(float.NaN, OuterProductConv.OutputFloats(layout, count)).ToArray();
            for (int i = 0; i < count; i++)
            {
                OuterProductConv.PrepareInput(layout, x.AsSpan((i0 + i) * inSize, inSize), inputs.AsSpan(i * inputFloats, inputFloats));
            }

            OuterProductConv.Compute(layout, inputs, count, packed, bias, yt);
            for (int i = 0; i < count; i++)
            {
                BlockTranspose.Run(yt.AsSpan(i * ohw * c.Cout, ohw * c.Cout), ohw, c.Cout, y.AsSpan((i0 + i) * c.Cout * ohw, c.Cout * ohw), add: false);
            }
        }

        return y;
    }

    private static void AssertClose(ConvCase c, float[] x, float[] w, float[] bias, float[] actual)
    {
        KernelAssert.CloseToReference(c.ReferenceOutput(x, w, bias).V, actual, 1e-5, c.ToString());
    }

    [Theory]
    [MemberData(nameof(RandomSeeds.First), 12, MemberType = typeof(RandomSeeds))]
    public void Random_shapes_match_the_reference(int seed)
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(seed);
        var c = RandomCase(r);
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), w = RandomFloats(r, c.Cout * c.Cin * c.Kh * c.Kw), bias = RandomFloats(r, c.Cout);
        AssertClose(c, x, w, bias, Run(c, x, w, bias, OuterProductConv.GroupImages(c.Layout)));
    }

    /// <summary>resnet18-32's training shapes (batch 3): 64@8×8, 64→128 stride 2, 128@4×4, 128→256 stride 2, the 7×7/2 stem.</summary>
    [Theory]
    [InlineData(64, 64, 8, 3, 2, 1)]
    [InlineData(64, 128, 8, 3, 2, 2)]
    [InlineData(128, 128, 4, 3, 1, 1)]
    [InlineData(128, 256, 4, 3, 2, 1)]
    [InlineData(3, 64, 32, 7, 2, 3)]
    public void Resnet18_shapes_match_the_reference(int cin, int cout, int size, int kernel, int stride, int pad)
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(cin + cout + size);
        var c = new ConvCase(3, cin, cout, size, size, kernel, kernel, stride, stride, pad, pad, pad, pad, 1, 1);
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), w = RandomFloats(r, c.Cout * c.Cin * kernel * kernel), bias = RandomFloats(r, c.Cout);
        AssertClose(c, x, w, bias, Run(c, x, w, bias, OuterProductConv.GroupImages(c.Layout)));
    }

    [Fact]
    public void Results_do_not_depend_on_how_images_are_grouped()
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(77);
        var c = new ConvCase(7, 5, 128, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), w = RandomFloats(r, c.Cout * c.Cin * 9), bias = RandomFloats(r, c.Cout);
        float[] one = Run(c, x, w, bias, 1);
        Assert.Equal(one, Run(c, x, w, bias, 2));
        Assert.Equal(one, Run(c, x, w, bias, 7));
        Assert.Equal(one, Run(c, x, w, bias, 3));
        Assert.Equal(Run(c, x, w, new float[c.Cout], 3), Run(c, x, w, [], 3));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(16, 16)]
    [InlineData(49, 64)]
    [InlineData(37, 128)]
    [InlineData(64, 17)]
    public void Block_transpose_matches_a_loop_and_adds(int rows, int cols)
    {
        var r = new Random(rows * 1000 + cols);
        float[] src = RandomFloats(r, rows * cols), start = RandomFloats(r, rows * cols);
        var dst = new float[rows * cols];
        BlockTranspose.Run(src, rows, cols, dst, add: false);
        var sum = (float[])start.Clone();
        BlockTranspose.Run(src, rows, cols, sum, add: true);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                Assert.Equal(src[i * cols + j], dst[j * rows + i]);
                Assert.Equal(start[j * rows + i] + src[i * cols + j], sum[j * rows + i]);
            }
        }
    }
}
