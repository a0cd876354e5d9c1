using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// The direct (implicit-GEMM) convolution kernel against the double-precision reference on random shapes: odd sizes,
/// asymmetric padding, strides 1–3, dilation, channel counts that are not a multiple of the 8-channel tile, batch 1.
/// </summary>
public sealed class DirectConvTests
{
    private static ConvCase RandomCase(Random r)
    {
        while (true)
        {
            int kh = r.Next(1, 6), kw = r.Next(1, 4), dh = r.Next(1, 3), dw = r.Next(1, 3);
            var c = new ConvCase(r.Next(1, 4), r.Next(1, 21), r.Next(1, 22), r.Next(3, 20), r.Next(3, 20), kh, kw, r.Next(1, 4), r.Next(1, 3),
                r.Next(0, kh), r.Next(0, kw), r.Next(0, kh), r.Next(0, kw), dh, dw);
            if (c.OutH > 0 && c.OutW > 0)
            {
                return c;
            }
        }
    }

    /// <summary>Runs the kernel image by image, output blocks split into <paramref name="splits"/> parts (as the op does for small batches).</summary>
    private static float[] Run(ConvCase c, float[] x, float[] w, float[] bias, ConvEpilogue epilogue, float[]? y = null, bool accumulate = false, int splits = 1)
    {
        var layout = new DirectConv.Layout(c.Shape, c.Cin, c.Cout);
        var packed = new float[layout.PackedWeightFloats];
        var packedBias = new float[layout.Blocks * DirectConv.ChannelBlock];
        DirectConv.PackWeights(layout, w, bias, packed, packedBias);
        var input = new float[layout.InputFloats];
        var staging = new float[layout.StagingFloats];
        int inSize = c.Cin * c.H * c.W, outSize = c.Cout * c.OutH * c.OutW;
        y ??= new float[c.N * outSize];
        for (int n = 0; n < c.N; n++)
        {
            // Garbage in the scratch must not leak into results.
            Array.Fill(input, float.NaN);
            DirectConv.PrepareInput(layout, x.AsSpan(n * inSize, inSize), input);
            for (int part = 0; part < splits; part++)
            {
                int b0 = layout.Blocks * part / splits, b1 = layout.Blocks * (part + 1) / splits;
                DirectConv.Compute(layout, input, packed, packedBias, b0, b1 - b0, staging, y.AsSpan(n * outSize, outSize), n * outSize, epilogue, accumulate);
            }
        }

        return y;
    }

    private static void AssertClose(DTensor expected, float[] actual, string what) => KernelAssert.CloseToReference(expected.V, actual, 1e-4, what);

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
        float[] x = ConvCase.RandomFloats(r, c.N * c.Cin * c.H * c.W), w = ConvCase.RandomFloats(r, c.Cout * c.Cin * c.Kh * c.Kw), bias = ConvCase.RandomFloats(r, c.Cout);
        AssertClose(c.ReferenceOutput(x, w, bias), Run(c, x, w, bias, ConvEpilogue.None), c.ToString());
    }

    /// <summary>resnet-small's shapes: 3×3 "same" stride 1 and stride 2 (pad 1) at 16–64 channels, batch 1 and 2.</summary>
    [Theory]
    [InlineData(2, 16, 16, 28, 1)]
    [InlineData(1, 16, 32, 28, 2)]
    [InlineData(2, 32, 32, 14, 1)]
    [InlineData(1, 32, 64, 14, 2)]
    [InlineData(2, 64, 64, 7, 1)]
    [InlineData(1, 1, 16, 28, 1)]
    public void Resnet_small_shapes_match_the_reference(int n, int cin, int cout, int size, int stride)
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(cin * 100 + cout + stride);
        var c = new ConvCase(n, cin, cout, size, size, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1);
        float[] x = ConvCase.RandomFloats(r, c.N * c.Cin * c.H * c.W), w = ConvCase.RandomFloats(r, c.Cout * c.Cin * 9), bias = ConvCase.RandomFloats(r, c.Cout);
        AssertClose(c.ReferenceOutput(x, w, bias), Run(c, x, w, bias, ConvEpilogue.None), c.ToString());
    }

    /// <summary>Strided shapes whose taps all read phase (0, 0) (1×1 stride 2; 3×1 with dilation 2, stride 2): only that phase is prepared.</summary>
    [Theory]
    [InlineData(1, 1, 1, 0, 1)]
    [InlineData(3, 1, 2, 1, 3)]
    [InlineData(1, 1, 1, 1, 2)]
    public void Strided_taps_on_one_phase_match_the_reference(int kh, int kw, int dilation, int pad, int n)
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(kh * 10 + pad);
        var c = new ConvCase(n, 13, 10, 29, 35, kh, kw, 2, 2, pad, pad, pad, pad, dilation, dilation);
        Assert.True(new DirectConv.Layout(c.Shape, c.Cin, c.Cout).OnePhase);
        float[] x = ConvCase.RandomFloats(r, c.N * c.Cin * c.H * c.W), w = ConvCase.RandomFloats(r, c.Cout * c.Cin * kh * kw), bias = ConvCase.RandomFloats(r, c.Cout);
        AssertClose(c.ReferenceOutput(x, w, bias), Run(c, x, w, bias, ConvEpilogue.None), c.ToString());
    }

    /// <summary>The epilogue (residual add, then clamp) and the accumulate mode (y += conv) used by the input gradient.</summary>
    [Fact]
    public void Epilogue_and_accumulate_match_the_reference()
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(42);
        var c = new ConvCase(2, 5, 11, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        float[] x = ConvCase.RandomFloats(r, c.N * c.Cin * c.H * c.W), w = ConvCase.RandomFloats(r, c.Cout * c.Cin * 9), bias = ConvCase.RandomFloats(r, c.Cout);
        var conv = c.ReferenceOutput(x, w, bias);
        float[] residual = ConvCase.RandomFloats(r, conv.Size);
        var fused = Run(c, x, w, bias, new ConvEpilogue(residual, -0.3f, 0.4f));
        AssertClose(new DTensor(conv.V.Select((v, i) => Math.Clamp(v + residual[i], -0.3, 0.4)).ToArray(), conv.S), fused, "residual + clamp");
        float[] start = (float[])residual.Clone();
        var summed = Run(c, x, w, bias, ConvEpilogue.None, start, accumulate: true);
        AssertClose(new DTensor(conv.V.Select((v, i) => v + residual[i]).ToArray(), conv.S), summed, "accumulate");
    }

    /// <summary>The weight gradient (dW = Σ dY ⊗ shifted X, no column matrix) against a double-precision loop, on random shapes.</summary>
    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(25)]
    [InlineData(26)]
    [InlineData(27)]
    [InlineData(28)]
    public void Weight_gradient_matches_the_reference(int seed)
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(seed);
        var c = seed == 21 ? new ConvCase(2, 16, 16, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1) : RandomCase(r);
        int outHW = c.OutH * c.OutW, k = c.Cin * c.Kh * c.Kw;
        float[] x = ConvCase.RandomFloats(r, c.N * c.Cin * c.H * c.W), dy = ConvCase.RandomFloats(r, c.N * c.Cout * outHW);
        var expected = c.ReferenceWeightGradient(x, dy);

        var layout = new DirectConv.Layout(c.Shape, c.Cin, c.Cout);
        var input = new float[layout.InputFloats];
        var grid = new float[layout.GridFloats];
        var dw = new float[c.Cout * k];
        int inSize = c.Cin * c.H * c.W;
        for (int n = 0; n < c.N; n++)
        {
            Array.Fill(grid, float.NaN);
            DirectConv.PrepareInput(layout, x.AsSpan(n * inSize, inSize), input);
            DirectConv.PrepareGrid(layout, dy.AsSpan(n * c.Cout * outHW, c.Cout * outHW), grid);
            DirectConv.AccumulateWeightGradient(layout, input, grid, dw);
        }

        AssertClose(new DTensor(expected, [c.Cout, k]), dw, c.ToString());
    }

    /// <summary>Splitting an image's output-channel blocks across work items changes nothing, bit for bit.</summary>
    [Fact]
    public void Results_do_not_depend_on_how_blocks_are_split()
    {
        if (!DirectConv.IsSupported)
        {
            return;
        }

        var r = new Random(5);
        var c = new ConvCase(1, 7, 29, 13, 11, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        float[] x = ConvCase.RandomFloats(r, c.N * c.Cin * c.H * c.W), w = ConvCase.RandomFloats(r, c.Cout * c.Cin * 9), bias = ConvCase.RandomFloats(r, c.Cout);
        float[] whole = Run(c, x, w, bias, ConvEpilogue.None);
        Assert.Equal(whole, Run(c, x, w, bias, ConvEpilogue.None, splits: 2));
        Assert.Equal(whole, Run(c, x, w, bias, ConvEpilogue.None, splits: 4));
    }
}
