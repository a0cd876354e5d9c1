using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// The outer-product weight gradient (<see cref="DirectWeightGradient"/>) against a double-precision loop on random
/// shapes (odd sizes, asymmetric padding, strides 1–3, dilation, kernels 1×2 to 5×4, 64 and 128 output channels, batch
/// 1–3), bit-identical however the taps and images are split; and its channels-last transpose.
/// </summary>
public sealed class DirectWeightGradientTests
{
    private static ConvCase RandomCase(Random r) => ConvCase.Random(r, 4, 7, 14, c => DirectWeightGradient.Supports(c.Layout));

    private static float[] RandomFloats(Random r, int count) => ConvCase.RandomFloats(r, count);

    /// <summary>dW (Cout × K) by the kernel: taps cut at <paramref name="cuts"/>, images in groups of <paramref name="group"/>.</summary>
    private static float[] Run(ConvCase c, float[] x, float[] dy, int group, int[] cuts)
    {
        var layout = c.Layout;
        int k = layout.K, inSize = c.Cin * c.H * c.W, outHW = c.OutH * c.OutW;
        int inputFloats = DirectWeightGradient.InputFloats(layout), gradientFloats = DirectWeightGradient.GradientFloats(layout);
        var dwt = new float[k * c.Cout];
        int[] bounds = [0, .. cuts, k];
        for (int part = 0; part + 1 < bounds.Length; part++)
        {
            int k0 = bounds[part], k1 = bounds[part + 1];
            var (first, last) = DirectWeightGradient.Channels(layout, k0, k1);
            for (int i0 = 0; i0 < c.N; i0 += group)
            {
                int count = Math.Min(group, c.N - i0);
                // Garbage in the scratch (channels these taps do not read included) must not leak into results.
                var inputs = Enumerable.Repeat(float.NaN, count * inputFloats).ToArray();
                var gradients = Enumerable.Repeat(float.NaN, count * gradientFloats).ToArray();
                for (int i = 0; i < count; i++)
                {
                    DirectWeightGradient.PrepareChannels(layout, x.AsSpan((i0 + i) * inSize, inSize), first, last, inputs.AsSpan(i * inputFloats, inputFloats));
                    DirectWeightGradient.TransposeGradient(dy.AsSpan((i0 + i) * c.Cout * outHW, c.Cout * outHW), c.Cout, outHW, gradients.AsSpan(i * gradientFloats, gradientFloats));
                }

                DirectWeightGradient.Accumulate(layout, inputs, inputFloats, gradients, count, k0, k1, dwt);
            }
        }

        var dw = new float[c.Cout * k];
        for (int co = 0; co < c.Cout; co++)
        {
            for (int t = 0; t < k; t++)
            {
                dw[co * k + t] = dwt[t * c.Cout + co];
            }
        }

        return dw;
    }

    private static void AssertClose(double[] expected, float[] actual, string what) => KernelAssert.CloseToReference(expected, actual, 1e-5, what);

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
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), dy = RandomFloats(r, c.N * c.Cout * c.OutH * c.OutW);
        AssertClose(c.ReferenceWeightGradient(x, dy), Run(c, x, dy, c.N, []), c.ToString());
    }

    /// <summary>resnet18-32's training shapes (batch 2): 64@8×8, 64→128 stride 2, 128@4×4, the 7×7/2 3-channel stem.</summary>
    [Theory]
    [InlineData(64, 64, 8, 3, 1, 1)]
    [InlineData(64, 128, 8, 3, 2, 1)]
    [InlineData(128, 128, 4, 3, 1, 1)]
    [InlineData(3, 64, 32, 7, 2, 3)]
    public void Resnet18_shapes_match_the_reference(int cin, int cout, int size, int kernel, int stride, int pad)
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(cin + cout + size);
        var c = new ConvCase(2, cin, cout, size, size, kernel, kernel, stride, stride, pad, pad, pad, pad, 1, 1);
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), dy = RandomFloats(r, c.N * c.Cout * c.OutH * c.OutW);
        AssertClose(c.ReferenceWeightGradient(x, dy), Run(c, x, dy, 1, []), c.ToString());
    }

    /// <summary>Tap ranges cut anywhere (inside a 6-tap tile, inside a channel) and images in groups of any size: the same bits.</summary>
    [Theory]
    [MemberData(nameof(RandomSeeds.First), 4, MemberType = typeof(RandomSeeds))]
    public void Results_do_not_depend_on_how_taps_and_images_are_split(int seed)
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(100 + seed);
        var c = new ConvCase(5, r.Next(2, 5), 64 * r.Next(1, 3), r.Next(5, 11), r.Next(5, 11), 3, 3, r.Next(1, 3), r.Next(1, 3), 1, 1, 1, 1, 1, 1);
        int k = c.Cin * 9;
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), dy = RandomFloats(r, c.N * c.Cout * c.OutH * c.OutW);
        float[] whole = Run(c, x, dy, c.N, []);
        Assert.Equal(whole, Run(c, x, dy, 1, [k / 2]));
        Assert.Equal(whole, Run(c, x, dy, 2, [1, 7, 13]));
        Assert.Equal(whole, Run(c, x, dy, 3, [6, 12]));
    }

    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 16)]
    [InlineData(32, 49)]
    [InlineData(64, 64)]
    [InlineData(128, 37)]
    public void Transpose_to_channels_last_matches_a_loop(int cout, int positions)
    {
        var r = new Random(cout + positions);
        float[] dy = RandomFloats(r, cout * positions);
        var dyt = new float[cout * positions];
        DirectWeightGradient.TransposeGradient(dy, cout, positions, dyt);
        for (int c = 0; c < cout; c++)
        {
            for (int p = 0; p < positions; p++)
            {
                Assert.Equal(dy[c * positions + p], dyt[p * cout + c]);
            }
        }
    }

    [Fact]
    public void Channel_counts_other_than_multiples_of_64_are_not_supported()
    {
        var shape = new ConvShape(8, 8, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.False(DirectWeightGradient.Supports(new DirectConv.Layout(shape, 16, 32)));
        Assert.Equal(DirectConv.IsSupported, DirectWeightGradient.Supports(new DirectConv.Layout(shape, 16, 128)));
    }
}
