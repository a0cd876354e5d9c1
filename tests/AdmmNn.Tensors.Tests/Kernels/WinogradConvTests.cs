using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// Winograd F(4×4, 3×3) against the double-precision reference loop on random shapes: odd plane sizes (1×1, 5×5, 7×7 and
/// random ones up to 28 wide), padding 1, 0 and asymmetric, channel counts not a multiple of 8, batch 1 and batches of
/// several image blocks, with bias, residual and clamp.
/// <para>
/// Tolerance (derived, not fitted): each output is A^T[U ⊙ V]A with V = B^T d B, U = G g G^T. In float the transformed
/// input carries a relative error of a few ε (ε = 2^-24) on values up to ‖B^T‖∞² max|d| = 10² max|d| (row sums of |B^T|
/// are at most 10), U up to max|g| (row sums of |G| are at most 1), the Cin-term sums add Cin·ε, and A^T amplifies by
/// its row sums squared, at most 19² = 361. So |error| ≤ c·ε·(Cin + 10)·100·361·max|x|·max|w|: with c = 2 this is
/// 7.2e4·ε·(Cin + 10)·max|x|·max|w|; for inputs and weights in [−1, 1] and Cin = 16 about 0.11, while outputs are of
/// order √(9·Cin)/3 ≈ 4. It is a worst-case bound; the errors seen are 2–3 orders of magnitude smaller, and the
/// tests also check a much tighter bound relative to each output's Σ|x||w| (<see cref="TypicalTolerance"/>).
/// </para>
/// </summary>
public sealed class WinogradConvTests
{
    private const double Epsilon = 1.0 / (1 << 24);

    /// <summary>The worst-case bound of the class summary (c = 2).</summary>
    private static double WorstCaseTolerance(int cin, double maxX, double maxW) => 2 * Epsilon * (cin + 10) * 100 * 361 * maxX * maxW;

    /// <summary>
    /// A tighter check per output: 200·ε·(Σ|x||w| over its receptive field + 1e-3·max|x|·max|w|·Cin·9): a transform bug
    /// (a wrong coefficient or lane) shows as errors of order Σ|x||w| itself, far above it.
    /// </summary>
    private const double TypicalTolerance = 200 * Epsilon;

    private sealed record Case(int N, int Cin, int Cout, int H, int W, int Pt, int Pl, int Pb, int Pr)
    {
        public int OutH => H + Pt + Pb - 2;

        public int OutW => W + Pl + Pr - 2;

        public ConvShape Shape => new(H, W, OutH, OutW, 3, 3, 1, 1, Pt, Pl, 1, 1);
    }

    private static float[] RandomFloats(Random r, int count) => Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();

    private static Case RandomCase(Random r)
    {
        while (true)
        {
            var c = new Case(r.Next(1, 4), r.Next(1, 21), r.Next(1, 22), r.Next(1, 30), r.Next(1, 29), r.Next(0, 2), r.Next(0, 2), r.Next(0, 2), r.Next(0, 2));
            if (c.OutH > 0 && c.OutW > 0 && WinogradConv.Supports(c.Shape))
            {
                return c;
            }
        }
    }

    /// <summary>
    /// Runs the kernel block by block as the op does (or <paramref name="imagesPerCall"/> images per call), in order or
    /// last block first, with NaN-filled scratch and outputs (garbage must not reach the output).
    /// </summary>
    private static float[] Run(Case c, float[] x, float[] w, float[] bias, ConvEpilogue epilogue, int imagesPerCall = 0, bool lastBlockFirst = false)
    {
        var layout = new WinogradConv.Layout(c.Shape, c.Cin, c.Cout);
        var packed = new float[layout.PackedWeightFloats];
        WinogradConv.TransformWeights(layout, w, packed);
        var inputScratch = new float[layout.InputScratchFloats];
        var outputScratch = new float[layout.OutputScratchFloats];
        Array.Fill(inputScratch, float.NaN);
        Array.Fill(outputScratch, float.NaN);
        int inSize = c.Cin * c.H * c.W, outSize = c.Cout * c.OutH * c.OutW;
        var y = new float[c.N * outSize];
        Array.Fill(y, float.NaN);
        int per = imagesPerCall > 0 ? imagesPerCall : layout.ImagesPerBlock;
        int blocks = (c.N + per - 1) / per;
        for (int b = 0; b < blocks; b++)
        {
            int n0 = (lastBlockFirst ? blocks - 1 - b : b) * per;
            int count = Math.Min(per, c.N - n0);
            WinogradConv.Compute(layout, x.AsSpan(n0 * inSize, count * inSize), count, packed, bias, inputScratch, outputScratch,
                y.AsSpan(n0 * outSize, count * outSize), n0 * outSize, epilogue);
        }

        return y;
    }

    private static DTensor Reference(Case c, float[] x, float[] w, float[] bias, bool absolute = false)
    {
        Func<float, double> f = absolute ? v => Math.Abs(v) : v => v;
        return Support.Reference.Conv(new DTensor(x.Select(f).ToArray(), [c.N, c.Cin, c.H, c.W]),
            new DTensor(w.Select(f).ToArray(), [c.Cout, c.Cin, 3, 3]),
            new DTensor(bias.Select(f).ToArray(), [c.Cout]), [1, 1], [c.Pt, c.Pl, c.Pb, c.Pr], [1, 1], 1);
    }

    /// <summary>Asserts both bounds of the class summary; <paramref name="expected"/> maps each output's exact value through the epilogue.</summary>
    private static void AssertWithinTolerance(Case c, float[] x, float[] w, float[] bias, float[] actual, Func<double, int, double>? epilogue = null)
    {
        var exact = Reference(c, x, w, bias);
        var magnitude = Reference(c, x, w, bias, absolute: true);
        double maxX = x.Max(Math.Abs), maxW = w.Max(Math.Abs);
        double worst = WorstCaseTolerance(c.Cin, maxX, maxW), floor = 1e-3 * maxX * maxW * c.Cin * 9;
        Assert.Equal(exact.Size, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            double expected = epilogue is null ? exact.V[i] : epilogue(exact.V[i], i);
            double error = Math.Abs(actual[i] - expected);
            Assert.True(error <= worst, $"{c}: element {i}: {actual[i]} vs {expected}, error {error:E2} above the worst-case bound {worst:E2}");
            Assert.True(error <= TypicalTolerance * (magnitude.V[i] + floor), $"{c}: element {i}: {actual[i]} vs {expected}, error {error:E2} above {TypicalTolerance * (magnitude.V[i] + floor):E2}");
        }
    }

    [Theory]
    [MemberData(nameof(RandomSeeds.First), 16, MemberType = typeof(RandomSeeds))]
    public void Random_shapes_match_the_reference(int seed)
    {
        if (!WinogradConv.IsSupported)
        {
            return;
        }

        var r = new Random(seed);
        var c = RandomCase(r);
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), w = RandomFloats(r, c.Cout * c.Cin * 9), bias = RandomFloats(r, c.Cout);
        AssertWithinTolerance(c, x, w, bias, Run(c, x, w, bias, ConvEpilogue.None));
    }

    /// <summary>Planes 1×1, 5×5, 7×7 with padding 1 and 0; resnet-small's 28², 14², 7² at 16–64 channels; batches spanning several image blocks.</summary>
    [Theory]
    [InlineData(1, 3, 5, 1, 1)]
    [InlineData(3, 5, 9, 1, 1)]
    [InlineData(2, 11, 13, 5, 1)]
    [InlineData(2, 11, 13, 5, 0)]
    [InlineData(1, 9, 17, 7, 1)]
    [InlineData(30, 12, 7, 7, 1)]
    [InlineData(5, 16, 16, 28, 1)]
    [InlineData(13, 32, 32, 14, 1)]
    [InlineData(25, 64, 64, 7, 1)]
    [InlineData(2, 6, 10, 30, 0)]
    public void Fixed_shapes_match_the_reference(int n, int cin, int cout, int size, int pad)
    {
        if (!WinogradConv.IsSupported)
        {
            return;
        }

        var r = new Random(n * 1000 + cin * 10 + size);
        var c = new Case(n, cin, cout, size, size, pad, pad, pad, pad);
        Assert.True(WinogradConv.Supports(c.Shape));
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), w = RandomFloats(r, c.Cout * c.Cin * 9), bias = RandomFloats(r, c.Cout);
        AssertWithinTolerance(c, x, w, bias, Run(c, x, w, bias, ConvEpilogue.None));
    }

    /// <summary>The fused evaluation epilogue: bias, residual add, clamp.</summary>
    [Fact]
    public void Epilogue_matches_the_reference()
    {
        if (!WinogradConv.IsSupported)
        {
            return;
        }

        var r = new Random(77);
        var c = new Case(3, 10, 12, 9, 11, 1, 1, 1, 1);
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), w = RandomFloats(r, c.Cout * c.Cin * 9), bias = RandomFloats(r, c.Cout);
        float[] residual = RandomFloats(r, c.N * c.Cout * c.OutH * c.OutW);
        float[] actual = Run(c, x, w, bias, new ConvEpilogue(residual, -0.3f, 0.4f));
        AssertWithinTolerance(c, x, w, bias, actual, (v, i) => Math.Clamp(v + residual[i], -0.3, 0.4));
    }

    /// <summary>An image's outputs do not depend on which images share its block (the op spreads a batch over blocks evenly).</summary>
    [Fact]
    public void Results_do_not_depend_on_how_images_are_grouped_into_blocks()
    {
        if (!WinogradConv.IsSupported)
        {
            return;
        }

        var r = new Random(8);
        var c = new Case(13, 20, 24, 7, 7, 1, 1, 1, 1);
        Assert.Equal(12, new WinogradConv.Layout(c.Shape, c.Cin, c.Cout).ImagesPerBlock);
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), w = RandomFloats(r, c.Cout * c.Cin * 9), bias = RandomFloats(r, c.Cout);
        float[] blocked = Run(c, x, w, bias, ConvEpilogue.None);
        Assert.Equal(blocked, Run(c, x, w, bias, ConvEpilogue.None, imagesPerCall: 1));
        Assert.Equal(blocked, Run(c, x, w, bias, ConvEpilogue.None, imagesPerCall: 5));
    }

    /// <summary>
    /// Blocks run in any order (the op hands them to whichever thread is free): inside a block rows are stored as whole
    /// vectors that run into the next row, but never past the block's own outputs. Computed last block first into
    /// NaN-filled outputs, with a residual, every shape class (rows of 28, 14, 11 and 7 outputs) gives the same bits as
    /// in order, and matches the reference.
    /// </summary>
    [Theory]
    [InlineData(5, 16, 12, 28, 28)]
    [InlineData(8, 8, 9, 14, 14)]
    [InlineData(27, 6, 5, 7, 7)]
    [InlineData(7, 5, 11, 11, 13)]
    public void Blocks_computed_in_reverse_order_do_not_touch_their_neighbours(int n, int cin, int cout, int h, int w)
    {
        if (!WinogradConv.IsSupported)
        {
            return;
        }

        var r = new Random(n + cin + h);
        var c = new Case(n, cin, cout, h, w, 1, 1, 1, 1);
        var layout = new WinogradConv.Layout(c.Shape, c.Cin, c.Cout);
        Assert.True(layout.ImageBlocks(n) > 1);
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), wt = RandomFloats(r, c.Cout * c.Cin * 9), bias = RandomFloats(r, c.Cout);
        float[] residual = RandomFloats(r, c.N * c.Cout * c.OutH * c.OutW);
        var epilogue = new ConvEpilogue(residual, float.NegativeInfinity, float.PositiveInfinity);
        float[] inOrder = Run(c, x, wt, bias, epilogue);
        float[] reversed = Run(c, x, wt, bias, epilogue, lastBlockFirst: true);
        Assert.Equal(inOrder, reversed);
        AssertWithinTolerance(c, x, wt, bias, reversed, (v, i) => v + residual[i]);
    }

    /// <summary>The residual may be the output itself (an in-place Add): each row's residual is read before it is overwritten.</summary>
    [Fact]
    public void Residual_in_the_output_buffer_is_read_before_it_is_overwritten()
    {
        if (!WinogradConv.IsSupported)
        {
            return;
        }

        var r = new Random(41);
        var c = new Case(4, 7, 9, 7, 7, 1, 1, 1, 1);
        var layout = new WinogradConv.Layout(c.Shape, c.Cin, c.Cout);
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W), w = RandomFloats(r, c.Cout * c.Cin * 9), bias = RandomFloats(r, c.Cout);
        float[] residual = RandomFloats(r, c.N * c.Cout * c.OutH * c.OutW);
        float[] separate = Run(c, x, w, bias, new ConvEpilogue(residual, float.NegativeInfinity, float.PositiveInfinity));

        var packed = new float[layout.PackedWeightFloats];
        WinogradConv.TransformWeights(layout, w, packed);
        float[] y = (float[])residual.Clone();
        WinogradConv.Compute(layout, x, c.N, packed, bias, new float[layout.InputScratchFloats], new float[layout.OutputScratchFloats],
            y, 0, new ConvEpilogue(y, float.NegativeInfinity, float.PositiveInfinity));
        Assert.Equal(separate, y);
    }

    [Fact]
    public void Unsupported_geometries_are_refused()
    {
        Assert.False(WinogradConv.Supports(new ConvShape(32, 32, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.False(WinogradConv.Supports(new ConvShape(28, 28, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1)));
        Assert.False(WinogradConv.Supports(new ConvShape(28, 28, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1)));
        Assert.False(WinogradConv.Supports(new ConvShape(28, 28, 24, 24, 3, 3, 1, 1, 0, 0, 2, 2)));
        Assert.True(WinogradConv.Supports(new ConvShape(28, 28, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.Throws<ArgumentException>(() => new WinogradConv.Layout(new ConvShape(32, 32, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1), 4, 4));
    }
}
