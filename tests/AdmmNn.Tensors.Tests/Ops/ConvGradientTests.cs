using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

public sealed class ConvGradientTests
{
    private static void Check(int[] x, int[] w, bool bias, int[] strides, int[] pads, int[] dilations, int group, string? autoPad = null, int[]? refPads = null)
    {
        var op = new OpGraph("Conv").Random("x", x).Random("w", w);
        if (bias)
        {
            op.Random("b", [w[0]]);
        }

        op.Attr("strides", strides.Select(v => (long)v).ToArray()).Attr("dilations", dilations.Select(v => (long)v).ToArray()).AttrInt("group", group);
        if (autoPad is null)
        {
            op.Attr("pads", pads.Select(v => (long)v).ToArray());
        }
        else
        {
            op.AttrString("auto_pad", autoPad);
        }

        GradientCheck.Run(op, o => Reference.Conv(o["x"], o["w"], bias ? o["b"] : null, strides, refPads ?? pads, dilations, group));
    }

    [Fact]
    public void Plain_conv_with_bias() => Check([2, 3, 7, 6], [4, 3, 3, 3], true, [1, 1], [0, 0, 0, 0], [1, 1], 1);

    [Fact]
    public void Asymmetric_padding_and_strides() => Check([2, 3, 9, 8], [5, 3, 3, 2], true, [2, 3], [1, 2, 0, 1], [1, 1], 1);

    [Fact]
    public void Dilation_with_padding() => Check([1, 2, 9, 9], [3, 2, 3, 3], false, [1, 1], [2, 2, 2, 2], [2, 2], 1);

    [Fact]
    public void Grouped() => Check([2, 4, 6, 5], [6, 2, 3, 3], true, [1, 1], [1, 0, 1, 0], [1, 1], 2);

    [Fact]
    public void Depthwise_stride_two() => Check([2, 3, 7, 7], [3, 1, 3, 3], true, [2, 2], [1, 1, 1, 1], [1, 1], 3);

    [Fact]
    public void Batch_split_into_several_chunks() => Check([9, 2, 5, 5], [3, 2, 3, 3], true, [1, 1], [0, 0, 0, 0], [1, 1], 1);

    /// <summary>16×16 outputs (≥ 256) in chunks of 2 images: the per-image path that writes y and reads dY in place.</summary>
    [Fact]
    public void Large_planes_take_the_per_image_path() => Check([6, 2, 18, 18], [3, 2, 3, 3], true, [1, 1], [0, 0, 0, 0], [1, 1], 1);

    /// <summary>Large weights on tiny planes (a deep ResNet stage): the whole batch is one chunk and the GEMM splits across threads.</summary>
    [Fact]
    public void Large_weights_small_planes_single_chunk() => Check([3, 64, 2, 3], [128, 64, 3, 3], true, [1, 1], [1, 1, 1, 1], [1, 1], 1);

    [Fact]
    public void One_by_one_kernel() => Check([3, 5, 4, 3], [2, 5, 1, 1], true, [1, 1], [0, 0, 0, 0], [1, 1], 1);

    [Fact]
    public void Auto_pad_same_upper() => Check([1, 2, 7, 7], [2, 2, 3, 3], true, [2, 2], [], [1, 1], 1, "SAME_UPPER", [1, 1, 1, 1]);

    [Fact]
    public void Auto_pad_same_lower_puts_extra_padding_first() => Check([1, 2, 7, 7], [2, 2, 4, 4], false, [2, 2], [], [1, 1], 1, "SAME_LOWER", [2, 2, 1, 1]);

    // "Same"-padded stride-1 shapes take Im2Col's block-copy path (rows as wide as the input's).
    [Fact]
    public void Same_padding_3x3_odd_sizes_chunked() => Check([3, 3, 9, 7], [4, 3, 3, 3], false, [1, 1], [1, 1, 1, 1], [1, 1], 1);

    [Fact]
    public void Same_padding_3x3_large_planes_per_image() => Check([2, 2, 17, 16], [3, 2, 3, 3], true, [1, 1], [1, 1, 1, 1], [1, 1], 1);

    [Fact]
    public void Same_padding_grouped_and_depthwise() => Check([2, 4, 7, 5], [4, 1, 3, 3], false, [1, 1], [1, 1, 1, 1], [1, 1], 4);

    [Fact]
    public void Same_padding_dilated_5x3_asymmetric() => Check([2, 2, 9, 8], [3, 2, 5, 3], true, [1, 1], [4, 1, 4, 1], [2, 1], 1);

    /// <summary>1×1 stride 1 on ≥ 256-pixel planes: the per-image path multiplies the image itself (no im2col).</summary>
    [Fact]
    public void Pointwise_large_planes_skip_im2col() => Check([3, 5, 17, 16], [4, 5, 1, 1], true, [1, 1], [0, 0, 0, 0], [1, 1], 1);

    [Fact]
    public void Pointwise_grouped_large_planes() => Check([2, 4, 16, 16], [6, 2, 1, 1], false, [1, 1], [0, 0, 0, 0], [1, 1], 2);

    [Fact]
    public void Pointwise_stride_two() => Check([3, 5, 7, 9], [4, 5, 1, 1], false, [2, 2], [0, 0, 0, 0], [1, 1], 1);

    [Fact]
    public void Depthwise_dilated_asymmetric_padding_with_bias() => Check([2, 3, 9, 8], [3, 1, 3, 3], true, [1, 1], [2, 0, 1, 2], [2, 2], 3);

    [Fact]
    public void Depthwise_5x5_stride_two_odd_sizes() => Check([3, 2, 11, 9], [2, 1, 5, 5], false, [2, 1], [2, 2, 1, 2], [1, 1], 2);

    /// <summary>The forward splits the padded plane into stride phases: stride 3 across, dilation 2, padding wider than the taps need.</summary>
    [Fact]
    public void Depthwise_stride_three_by_one_dilated_wide_padding() => Check([2, 3, 10, 13], [3, 1, 3, 3], true, [1, 3], [3, 4, 2, 1], [2, 2], 3);

    [Fact]
    public void Depthwise_stride_two_even_sizes_padding_one() => Check([3, 5, 14, 12], [5, 1, 3, 3], false, [2, 2], [1, 1, 1, 1], [1, 1], 5);

    [Fact]
    public void Depthwise_channel_multiplier_takes_the_gemm_path() => Check([2, 3, 6, 5], [6, 1, 3, 3], true, [1, 1], [1, 1, 1, 1], [1, 1], 3);

    /// <summary>resnet-small-like 3×3 shapes that the direct kernel runs (channels not a multiple of its 8-channel tile, batch 1, stride 2).</summary>
    [Theory]
    [InlineData(1, 12, 11, 13, 1)]
    [InlineData(2, 9, 20, 15, 2)]
    [InlineData(3, 16, 16, 10, 1)]
    [InlineData(1, 17, 13, 8, 2)]
    [InlineData(2, 8, 16, 16, 1)]
    [InlineData(2, 5, 8, 27, 2)]
    public void Direct_kernel_shapes(int n, int cin, int cout, int size, int stride)
    {
        var shape = new AdmmNn.Tensors.Kernels.ConvShape(size, size + 2, (size - 1) / stride + 1, (size + 1) / stride + 1, 3, 3, stride, stride, 1, 1, 1, 1);
        Assert.True(AdmmNn.Tensors.Ops.ConvAlgorithmRule.PrefersDirect(cin, cout, shape));
        // The last two also take the direct weight gradient (planes of ≥ 192 grid positions, channels a multiple of 4).
        Assert.Equal(size >= 16, AdmmNn.Tensors.Ops.ConvAlgorithmRule.PrefersDirectWeightGradient(new AdmmNn.Tensors.Kernels.DirectConv.Layout(shape, cin, cout)));
        Check([n, cin, size, size + 2], [cout, cin, 3, 3], n != 2, [stride, stride], [1, 1, 1, 1], [1, 1], 1);
    }

    /// <summary>Random shapes (odd sizes, padding, stride 1–2, dilation 1–2, groups incl. depthwise), forward and gradients.</summary>
    [Theory]
    [MemberData(nameof(RandomSeeds.First), 8, MemberType = typeof(RandomSeeds))]
    public void Random_shapes(int seed)
    {
        var r = new Random(seed);
        int group = r.Next(1, 4), cg = r.Next(1, 3), coutG = r.Next(1, 3);
        if (r.Next(2) == 0)
        {
            cg = coutG = 1;
            group = r.Next(2, 6);
        }

        int k = r.Next(1, 4) * 2 - 1, stride = r.Next(1, 3), dilation = r.Next(1, 3), pad = r.Next(0, k);
        int h = (k - 1) * dilation + 1 + r.Next(0, 9), w = (k - 1) * dilation + 1 + r.Next(0, 9);
        Check([r.Next(1, 4), group * cg, h, w], [group * coutG, cg, k, k], r.Next(2) == 0, [stride, stride], [pad, pad, pad, pad], [dilation, dilation], group);
    }
}
