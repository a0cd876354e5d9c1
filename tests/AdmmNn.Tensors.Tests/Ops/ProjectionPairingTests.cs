using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Tests.Support;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Ops;

/// <summary>
/// A block's first convolution and its 1×1 projection shortcut in one evaluation pass (ConvOp.Projection.cs): the
/// projection layout of the direct kernel against a plain strided 1×1 loop, and whole blocks (conv → BN → Relu → conv →
/// BN → Add(projection → BN) → Relu) against the double-precision reference and the unfused ops, bit-identical for 1, 2
/// and 3 workers.
/// </summary>
[Collection(WorkersCollection.Name)]
public sealed class ProjectionPairingTests
{
    [Theory]
    [MemberData(nameof(RandomSeeds.First), 16, MemberType = typeof(RandomSeeds))]
    public void Projection_layout_matches_a_strided_1x1_loop(int seed)
    {
        if (!DirectConv.IsSupported)
        {
            return; // the direct kernel needs AVX-512
        }

        var r = new Random(seed * 613);
        var c = ConvCase.Random(r, 4, 21, 18, k => k.Sh * k.Sw > 1 || k.Kh * k.Kw > 1);
        c = c with { Cout = r.Next(1, 41) };
        var source = c.Layout;
        if (source.OnePhase)
        {
            source = (c with { Kh = 3, Kw = 3, Pt = 1, Pl = 1, Pb = 1, Pr = 1, Dh = 1, Dw = 1 }).Layout;
            c = c with { Kh = 3, Kw = 3, Pt = 1, Pl = 1, Pb = 1, Pr = 1, Dh = 1, Dw = 1 };
        }

        int row = r.Next(0, (c.Kh - 1) * c.Dh + 1), column = r.Next(0, (c.Kw - 1) * c.Dw + 1);
        var tap = DirectConv.Layout.Projection(source, c.Cout, row, column);
        float[] x = ConvCase.RandomFloats(r, c.N * c.Cin * c.H * c.W), w = ConvCase.RandomFloats(r, c.Cout * c.Cin), bias = ConvCase.RandomFloats(r, c.Cout);
        var packed = new float[tap.PackedWeightFloats];
        var packedBias = new float[tap.Blocks * DirectConv.ChannelBlock];
        DirectConv.PackWeights(tap, w, bias, packed, packedBias);
        var input = new float[source.InputFloats];
        Array.Fill(input, float.NaN);
        var staging = new float[tap.StagingFloats];
        int plane = c.OutH * c.OutW, inSize = c.Cin * c.H * c.W;
        var y = new float[c.N * c.Cout * plane];
        var expected = new double[y.Length];
        for (int n = 0; n < c.N; n++)
        {
            DirectConv.PrepareInput(source, x.AsSpan(n * inSize, inSize), input);
            DirectConv.Compute(tap, input, packed, packedBias, 0, tap.Blocks, staging, y.AsSpan(n * c.Cout * plane, c.Cout * plane), 0, ConvEpilogue.None, false);
            for (int co = 0; co < c.Cout; co++)
            for (int i = 0; i < c.OutH; i++)
            for (int j = 0; j < c.OutW; j++)
            {
                double sum = bias[co];
                int ih = i * c.Sh + row - c.Pt, iw = j * c.Sw + column - c.Pl;
                if (ih >= 0 && ih < c.H && iw >= 0 && iw < c.W)
                {
                    for (int ci = 0; ci < c.Cin; ci++)
                    {
                        sum += (double)w[co * c.Cin + ci] * x[((n * c.Cin + ci) * c.H + ih) * c.W + iw];
                    }
                }

                expected[((n * c.Cout + co) * c.OutH + i) * c.OutW + j] = sum;
            }
        }

        KernelAssert.CloseToReference(expected, y, 1e-5, $"{c} tap ({row}, {column})");
    }

    [Fact]
    public void A_tap_outside_the_window_is_refused()
    {
        var source = new ConvCase(1, 4, 8, 9, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1).Layout;
        Assert.Throws<ArgumentException>(() => DirectConv.Layout.Projection(source, 8, 3, 1));
        Assert.Throws<ArgumentException>(() => DirectConv.Layout.Projection(source, 8, 1, -1));
    }

    /// <summary>One block: first conv k×k stride s with pads (pt, pl, pb, pr), projection 1×1 stride s reading tap (row, column).</summary>
    private sealed record Block(int N, int Cin, int Cout, int H, int W, int K, int S, int Pt, int Pl, int Pb, int Pr, int Row, int Column)
    {
        public int OutH => (H + Pt + Pb - K) / S + 1;

        public int OutW => (W + Pl + Pr - K) / S + 1;

        /// <summary>The projection's pads: top/left from the tap, bottom/right so its output grid is the first conv's.</summary>
        public int[] ProjectionPads => [Pt - Row, Pl - Column, Math.Max(0, (OutH - 1) * S + 1 - H - (Pt - Row)), Math.Max(0, (OutW - 1) * S + 1 - W - (Pl - Column))];

        /// <summary>Both outputs non-empty and the projection's grid the first conv's.</summary>
        public bool Valid => OutH >= 1 && OutW >= 1 && ProjectionPads is [var t, var l, var d, var rr]
            && (H + t + d - 1) / S + 1 == OutH && (W + l + rr - 1) / S + 1 == OutW;
    }

    private static float[] Floats(Random r, int count, double lo, double hi) =>
        Enumerable.Range(0, count).Select(_ => (float)(lo + (hi - lo) * r.NextDouble())).ToArray();

    private static (ModelGraph Graph, Dictionary<string, DTensor> Values) Build(Block b, Random r)
    {
        var g = new ModelGraph { OpsetVersion = 17 };
        var values = new Dictionary<string, DTensor>();
        void Init(string name, int[] shape, float[] v)
        {
            g.Initializers.Add(TensorData.FromFloats(name, shape.Select(d => (long)d).ToArray(), v));
            values[name] = new DTensor(v.Select(f => (double)f).ToArray(), shape);
        }

        void Conv(string name, string input, int cin, int k, int stride, int[] pads, string output)
        {
            Init(name + ".w", [b.Cout, cin, k, k], Floats(r, b.Cout * cin * k * k, -1, 1));
            var node = new GraphNode { Name = name, OpType = "Conv", Inputs = [input, name + ".w"], Outputs = [output] };
            node.Attributes.Add(NodeAttribute.Of("kernel_shape", k, k));
            node.Attributes.Add(NodeAttribute.Of("strides", stride, stride));
            node.Attributes.Add(NodeAttribute.Of("pads", pads[0], pads[1], pads[2], pads[3]));
            g.Nodes.Add(node);
        }

        void Norm(string name, string input, string output)
        {
            Init(name + ".scale", [b.Cout], Floats(r, b.Cout, 0.5, 1.5));
            Init(name + ".beta", [b.Cout], Floats(r, b.Cout, -0.5, 0.5));
            Init(name + ".mean", [b.Cout], Floats(r, b.Cout, -0.5, 0.5));
            Init(name + ".var", [b.Cout], Floats(r, b.Cout, 0.2, 2));
            g.Nodes.Add(new GraphNode { Name = name, OpType = "BatchNormalization", Inputs = [input, name + ".scale", name + ".beta", name + ".mean", name + ".var"], Outputs = [output], Attributes = [NodeAttribute.Of("epsilon", 1e-5f)] });
        }

        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [b.N, b.Cin, b.H, b.W]));
        Conv("conv1", "x", b.Cin, b.K, b.S, [b.Pt, b.Pl, b.Pb, b.Pr], "c1");
        Norm("bn1", "c1", "n1");
        g.Nodes.Add(new GraphNode { Name = "relu1", OpType = "Relu", Inputs = ["n1"], Outputs = ["a1"] });
        Conv("conv2", "a1", b.Cout, 3, 1, [1, 1, 1, 1], "c2");
        Norm("bn2", "c2", "n2");
        Conv("down", "x", b.Cin, 1, b.S, b.ProjectionPads, "cd");
        Norm("down_bn", "cd", "nd");
        g.Nodes.Add(new GraphNode { Name = "add", OpType = "Add", Inputs = ["n2", "nd"], Outputs = ["s"] });
        g.Nodes.Add(new GraphNode { Name = "relu2", OpType = "Relu", Inputs = ["s"], Outputs = ["y"] });
        g.Outputs.Add(new ValueInfo("y", ElementType.Float32, [b.N, b.Cout, b.OutH, b.OutW]));
        return (g, values);
    }

    private static DTensor Reference(Block b, Dictionary<string, DTensor> v)
    {
        DTensor Norm(DTensor y, string name) => Support.Reference.BatchNorm(y, v[name + ".scale"], v[name + ".beta"], v[name + ".mean"], v[name + ".var"], 1e-5f, training: false);
        var a1 = Support.Reference.Map(Norm(Support.Reference.Conv(v["x"], v["conv1.w"], null, [b.S, b.S], [b.Pt, b.Pl, b.Pb, b.Pr], [1, 1], 1), "bn1"), a => Math.Max(a, 0));
        var n2 = Norm(Support.Reference.Conv(a1, v["conv2.w"], null, [1, 1], [1, 1, 1, 1], [1, 1], 1), "bn2");
        var nd = Norm(Support.Reference.Conv(v["x"], v["down.w"], null, [b.S, b.S], b.ProjectionPads, [1, 1], 1), "down_bn");
        return Support.Reference.Map(Support.Reference.Binary(n2, nd, (p, q) => p + q), a => Math.Max(a, 0));
    }

    /// <summary>
    /// Whether the first convolution's evaluation forward takes the direct kernel (not im2col, the small-plane path or
    /// Winograd), the one case where the projection joins its pass.
    /// </summary>
    private static bool FirstTakesDirect(Block b)
    {
        var g = new ConvShape(b.H, b.W, b.OutH, b.OutW, b.K, b.K, b.S, b.S, b.Pt, b.Pl, 1, 1);
        return ConvAlgorithmRule.PrefersDirect(b.Cin, b.Cout, g) && !ConvAlgorithmRule.PrefersWinograd(b.Cin, b.Cout, g, b.N)
            && !SmallPlaneConv.Pays(g, b.Cin, b.Cout, ConvOp.SmallPlaneRatio);
    }

    private static void Check(Block b, int seed)
    {
        var r = new Random(seed);
        var (graph, values) = Build(b, r);
        var x = new Tensor(Floats(r, b.N * b.Cin * b.H * b.W, -1, 1), [b.N, b.Cin, b.H, b.W]);
        values["x"] = DTensor.From(x);
        var inputs = new Dictionary<string, Tensor> { ["x"] = x };
        var module = GraphModule.FromGraph(graph);
        module.Training = false;
        var chain = Assert.Single(module.EvalSteps!, step => step.Chain?.Partner is not null).Chain!;
        int savedThreads = Workers.Threads;
        var outputs = new List<float[]>();
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Workers.Threads = threads;
                outputs.Add(module.Run(inputs)["y"].ToArray());
                Assert.True(chain.LastPassPaired == FirstTakesDirect(b), $"{b}: paired {chain.LastPassPaired}, direct kernel {FirstTakesDirect(b)}");
            }
        }
        finally
        {
            Workers.Threads = savedThreads;
        }

        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(outputs[0], outputs[2]);
        KernelAssert.CloseToReference(Reference(b, values).V, outputs[0], 1e-4, $"{b} paired");
        module.InputGradients = true;
        var plain = module.Run(inputs)["y"].ToArray();
        KernelAssert.CloseToReference(Array.ConvertAll(plain, v => (double)v), outputs[0], 1e-5, $"{b} paired vs unfused");
    }

    [Theory]
    [MemberData(nameof(RandomSeeds.First), 12, MemberType = typeof(RandomSeeds))]
    public void Random_blocks_match_the_reference_and_the_unfused_ops(int seed)
    {
        if (!DirectConv.IsSupported)
        {
            return; // the direct kernel needs AVX-512
        }

        var r = new Random(seed * 7393);
        while (true)
        {
            int pt = r.Next(0, 3), pl = r.Next(0, 3);
            var b = new Block(r.Next(1, 6), r.Next(1, 24), r.Next(1, 40), r.Next(3, 20), r.Next(3, 20), 3, r.Next(1, 4), pt, pl, r.Next(0, 3), r.Next(0, 3),
                r.Next(0, pt + 1), r.Next(0, pl + 1));
            if (b.Valid)
            {
                Check(b, seed);
                return;
            }
        }
    }

    [Theory]
    [InlineData(2, 16, 32, 28, 28)] // resnet-small layer2
    [InlineData(3, 32, 64, 14, 14)] // resnet-small layer3
    [InlineData(1, 32, 64, 28, 28)] // one image split across the workers by channel blocks
    [InlineData(1, 48, 40, 27, 25)]
    public void ResNet_blocks_with_stride_2_projections(int n, int cin, int cout, int h, int w)
    {
        if (!DirectConv.IsSupported)
        {
            return; // the direct kernel needs AVX-512
        }

        Check(new Block(n, cin, cout, h, w, 3, 2, 1, 1, 1, 1, 1, 1), n * 1000 + cin);
    }

    [Fact]
    public void ResNet_small_pairs_both_stride_2_blocks_and_agrees_with_the_unfused_pass()
    {
        if (!DirectConv.IsSupported)
        {
            return; // the direct kernel needs AVX-512
        }

        var module = GraphModule.FromGraph(ModelZoo.Create("resnet-small", 3));
        module.Training = false;
        var r = new Random(5);
        var x = new Tensor(Floats(r, 4 * 28 * 28, 0, 1), [4, 1, 28, 28]);
        var fused = module.Forward(x).ToArray();
        var paired = module.EvalSteps!.Where(step => step.Chain?.Partner is not null).Select(step => step.Chain!).ToList();
        Assert.Equal(["layer2.conv1", "layer3.conv1"], paired.Select(chain => chain.Conv.Node.Name));
        Assert.All(paired, chain => Assert.True(chain.LastPassPaired));
        module.InputGradients = true;
        var plain = module.Forward(x).ToArray();
        KernelAssert.CloseToReference(Array.ConvertAll(plain, v => (double)v), fused, 1e-5, "resnet-small paired vs unfused");
    }
}
