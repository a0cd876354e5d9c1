using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Tests.Support;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// The single-input-channel 3×3 "same" kernel (stems) against the double-precision reference loop on random shapes:
/// planes 1×1 to 30×30 (rows narrower than a vector, planes not a multiple of 16 positions), 1–20 output channels,
/// batch 1–3, with and without bias, residual and clamp, NaN-filled scratch; and through the op in evaluation mode
/// (against im2col + GEMM and the direct kernel, bit-identical for 1, 2 and 3 threads).
/// <para>
/// Tolerance (derived): each output is one chain of 9 FMAs started at the bias, then a residual add; with inputs,
/// weights, bias and residual in [−1, 1] every partial sum is at most 11 in magnitude and each of the 10 roundings
/// adds at most ε·11 (ε = 2⁻²⁴), so |error| ≤ 110·ε (128·ε is asserted, relative to max(1, largest |output|)).
/// </para>
/// </summary>
[Collection(WorkersCollection.Name)]
public sealed class SingleChannelConvTests
{
    private const double Tolerance = 128.0 / (1 << 24);

    private static ConvCase Case(int n, int cout, int h, int w) => new(n, 1, cout, h, w, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);

    /// <summary>Runs the kernel image by image as the op does, with NaN-filled scratch (garbage must not reach the output).</summary>
    private static float[] Run(ConvCase c, float[] x, float[] w, float[] bias, ConvEpilogue epilogue)
    {
        var g = c.Shape;
        var scratch = new float[SingleChannelConv.ScratchFloats(g)];
        Array.Fill(scratch, float.NaN);
        int inSize = c.H * c.W, outSize = c.Cout * c.OutH * c.OutW;
        var y = new float[c.N * outSize];
        for (int i = 0; i < c.N; i++)
        {
            SingleChannelConv.Compute(g, c.Cout, x.AsSpan(i * inSize, inSize), w, bias, scratch, y.AsSpan(i * outSize, outSize), i * outSize, epilogue);
        }

        return y;
    }

    [Theory]
    [MemberData(nameof(RandomSeeds.First), 16, MemberType = typeof(RandomSeeds))]
    public void Random_shapes_match_the_reference(int seed)
    {
        if (!SingleChannelConv.IsSupported)
        {
            return;
        }

        var r = new Random(seed);
        var c = Case(r.Next(1, 4), r.Next(1, 21), r.Next(1, 31), r.Next(1, 31));
        Assert.True(SingleChannelConv.Supports(c.Shape));
        float[] x = ConvCase.RandomFloats(r, c.N * c.H * c.W), w = ConvCase.RandomFloats(r, c.Cout * 9);
        float[] bias = r.Next(2) == 0 ? [] : ConvCase.RandomFloats(r, c.Cout);
        float[]? residual = r.Next(2) == 0 ? null : ConvCase.RandomFloats(r, c.N * c.Cout * c.OutH * c.OutW);
        var (lo, hi) = r.Next(3) switch
        {
            0 => (float.NegativeInfinity, float.PositiveInfinity),
            1 => (0f, float.PositiveInfinity),
            _ => (-0.5f, 0.75f),
        };
        var exact = c.ReferenceOutput(x, w, bias.Length == 0 ? new float[c.Cout] : bias).V;
        double[] expected = exact.Select((v, i) => Math.Clamp(v + (residual?[i] ?? 0), lo, hi)).ToArray();
        KernelAssert.CloseToReference(expected, Run(c, x, w, bias, new ConvEpilogue(residual, lo, hi)), Tolerance, c.ToString());
    }

    [Theory]
    [InlineData(1, 16, 28, 28)]
    [InlineData(2, 16, 1, 1)]
    [InlineData(3, 5, 4, 4)]
    [InlineData(2, 7, 1, 17)]
    [InlineData(2, 9, 17, 1)]
    [InlineData(1, 3, 3, 33)]
    public void Fixed_shapes_match_the_reference(int n, int cout, int h, int w)
    {
        if (!SingleChannelConv.IsSupported)
        {
            return;
        }

        var r = new Random(n * 100 + h * 10 + w);
        var c = Case(n, cout, h, w);
        float[] x = ConvCase.RandomFloats(r, n * h * w), wt = ConvCase.RandomFloats(r, cout * 9), bias = ConvCase.RandomFloats(r, cout);
        KernelAssert.CloseToReference(c.ReferenceOutput(x, wt, bias).V, Run(c, x, wt, bias, ConvEpilogue.None), Tolerance, c.ToString());
    }

    [Fact]
    public void Unsupported_geometries_are_refused()
    {
        Assert.True(SingleChannelConv.Supports(new ConvShape(28, 28, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.False(SingleChannelConv.Supports(new ConvShape(28, 28, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1)));
        Assert.False(SingleChannelConv.Supports(new ConvShape(28, 28, 26, 26, 3, 3, 1, 1, 0, 0, 1, 1)));
        Assert.False(SingleChannelConv.Supports(new ConvShape(28, 28, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1)));
        Assert.False(SingleChannelConv.Supports(new ConvShape(28, 28, 26, 26, 3, 3, 1, 1, 1, 1, 2, 2)));
        Assert.False(SingleChannelConv.Supports(new ConvShape(28, 28, 29, 29, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.False(ConvAlgorithmRule.PrefersSingleChannel(2, new ConvShape(28, 28, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.Throws<ArgumentException>(() => SingleChannelConv.Compute(new ConvShape(28, 28, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1), 1,
            new float[784], new float[9], [], new float[2000], new float[196], 0, ConvEpilogue.None));
    }

    [Theory]
    [InlineData(5, 16, 28, 28)]
    [InlineData(3, 10, 9, 13)]
    [InlineData(1, 4, 1, 1)]
    public void Through_the_op_it_matches_the_other_kernels_and_does_not_depend_on_the_thread_count(int n, int cout, int h, int w)
    {
        if (!SingleChannelConv.IsSupported)
        {
            return;
        }

        var net = ConvAddReluNet.Build(n, 1, cout, h, w, n + cout + h);
        float[] auto = net.Forward(ConvAlgorithm.Auto, 2);
        float[] gemm = net.Forward(ConvAlgorithm.Im2Col, 2);
        double[] reference = gemm.Select(v => (double)v).ToArray();
        // The GEMM's own rounding (9 products and the bias) plus this kernel's: twice the bound.
        KernelAssert.CloseToReference(reference, auto, 2 * Tolerance, "auto vs im2col");
        // The direct kernel sums the same terms in the same order, started at the bias: the same bits.
        Assert.Equal(net.Forward(ConvAlgorithm.Direct, 2), auto);
        Assert.Equal(auto, net.Forward(ConvAlgorithm.Auto, 1));
        Assert.Equal(auto, net.Forward(ConvAlgorithm.Auto, 3));
    }
}
