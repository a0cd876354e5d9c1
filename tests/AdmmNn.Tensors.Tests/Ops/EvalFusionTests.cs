using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

/// <summary>
/// Evaluation-mode fusion (BatchNorm folded into the convolution, residual Add and Relu/Clip in its epilogue) against
/// the plain double-precision reference and against the same module run unfused.
/// </summary>
public sealed class EvalFusionTests
{
    private sealed record Case(int N, int Cin, int H, int W, int Cout, int K, int Stride, int Pad, int Dilation, int Group, bool Bias, bool Norm, bool Residual, string? Activation);

    private static float[] RandomFloats(Random r, int count, double lo, double hi) =>
        Enumerable.Range(0, count).Select(_ => (float)(lo + (hi - lo) * r.NextDouble())).ToArray();

    /// <summary>Conv → [BN] → [Add r] → [Relu | Clip(−0.3, 0.4)] as a graph with inputs x (and r), every weight random.</summary>
    private static (ModelGraph Graph, Dictionary<string, DTensor> Values, int[] OutShape) Build(Case c, Random r)
    {
        int oh = (c.H + 2 * c.Pad - (c.K - 1) * c.Dilation - 1) / c.Stride + 1, ow = (c.W + 2 * c.Pad - (c.K - 1) * c.Dilation - 1) / c.Stride + 1;
        int[] outShape = [c.N, c.Cout, oh, ow];
        var g = new ModelGraph { OpsetVersion = 17 };
        var values = new Dictionary<string, DTensor>();
        void Init(string name, int[] shape, float[] v)
        {
            g.Initializers.Add(TensorData.FromFloats(name, shape.Select(d => (long)d).ToArray(), v));
            values[name] = new DTensor(v.Select(f => (double)f).ToArray(), shape);
        }

        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [c.N, c.Cin, c.H, c.W]));
        Init("w", [c.Cout, c.Cin / c.Group, c.K, c.K], RandomFloats(r, c.Cout * (c.Cin / c.Group) * c.K * c.K, -1, 1));
        var conv = new GraphNode { Name = "conv", OpType = "Conv", Inputs = ["x", "w"], Outputs = ["c"] };
        conv.Attributes.Add(NodeAttribute.Of("kernel_shape", c.K, c.K));
        conv.Attributes.Add(NodeAttribute.Of("strides", c.Stride, c.Stride));
        conv.Attributes.Add(NodeAttribute.Of("pads", c.Pad, c.Pad, c.Pad, c.Pad));
        conv.Attributes.Add(NodeAttribute.Of("dilations", c.Dilation, c.Dilation));
        conv.Attributes.Add(NodeAttribute.Of("group", (long)c.Group));
        if (c.Bias)
        {
            Init("b", [c.Cout], RandomFloats(r, c.Cout, -1, 1));
            conv.Inputs.Add("b");
        }

        g.Nodes.Add(conv);
        string last = "c";
        if (c.Norm)
        {
            Init("scale", [c.Cout], RandomFloats(r, c.Cout, 0.5, 1.5));
            Init("beta", [c.Cout], RandomFloats(r, c.Cout, -0.5, 0.5));
            Init("mean", [c.Cout], RandomFloats(r, c.Cout, -0.5, 0.5));
            Init("var", [c.Cout], RandomFloats(r, c.Cout, 0.2, 2));
            g.Nodes.Add(new GraphNode { Name = "bn", OpType = "BatchNormalization", Inputs = [last, "scale", "beta", "mean", "var"], Outputs = ["n"], Attributes = [NodeAttribute.Of("epsilon", 1e-3f)] });
            last = "n";
        }

        if (c.Residual)
        {
            g.Inputs.Add(new ValueInfo("r", ElementType.Float32, outShape.Select(d => (long)d).ToArray()));
            g.Nodes.Add(new GraphNode { Name = "add", OpType = "Add", Inputs = ["r", last], Outputs = ["s"] });
            last = "s";
        }

        if (c.Activation == "Relu")
        {
            g.Nodes.Add(new GraphNode { Name = "act", OpType = "Relu", Inputs = [last], Outputs = ["a"] });
            last = "a";
        }
        else if (c.Activation == "Clip")
        {
            Init("lo", [], [-0.3f]);
            Init("hi", [], [0.4f]);
            g.Nodes.Add(new GraphNode { Name = "act", OpType = "Clip", Inputs = [last, "lo", "hi"], Outputs = ["a"] });
            last = "a";
        }

        g.Outputs.Add(new ValueInfo(last, ElementType.Float32, outShape.Select(d => (long)d).ToArray()));
        return (g, values, outShape);
    }

    private static DTensor Reference(Case c, Dictionary<string, DTensor> v)
    {
        var y = Support.Reference.Conv(v["x"], v["w"], c.Bias ? v["b"] : null, [c.Stride, c.Stride], [c.Pad, c.Pad, c.Pad, c.Pad], [c.Dilation, c.Dilation], c.Group);
        if (c.Norm)
        {
            y = Support.Reference.BatchNorm(y, v["scale"], v["beta"], v["mean"], v["var"], 1e-3f, training: false);
        }

        if (c.Residual)
        {
            y = Support.Reference.Binary(v["r"], y, (a, b) => a + b);
        }

        return c.Activation switch
        {
            "Relu" => Support.Reference.Map(y, a => Math.Max(a, 0)),
            "Clip" => Support.Reference.Map(y, a => Math.Min(Math.Max(a, (double)-0.3f), (double)0.4f)),
            _ => y,
        };
    }

    private static void Check(Case c, int seed)
    {
        var r = new Random(seed);
        var (graph, values, outShape) = Build(c, r);
        var inputs = new Dictionary<string, Tensor>();
        float[] x = RandomFloats(r, c.N * c.Cin * c.H * c.W, -1, 1);
        inputs["x"] = new Tensor(x, [c.N, c.Cin, c.H, c.W]);
        values["x"] = DTensor.From(inputs["x"]);
        if (c.Residual)
        {
            inputs["r"] = new Tensor(RandomFloats(r, outShape.Aggregate(1, (a, d) => a * d), -1, 1), outShape);
            values["r"] = DTensor.From(inputs["r"]);
        }

        var module = GraphModule.FromGraph(graph);
        module.Training = false;
        bool expectFusion = c.Norm || c.Residual || c.Activation is not null;
        Assert.Equal(expectFusion, module.EvalSteps is not null);
        var fused = module.Run(inputs)[graph.Outputs[0].Name].ToArray();
        var expected = Reference(c, values);
        Assert.Equal(expected.S, outShape);
        KernelAssert.CloseToReference(expected.V, fused, 1e-4, $"{c} fused");

        // The same module unfused (input gradients switch fusion off) agrees within float rounding.
        module.InputGradients = true;
        var plain = module.Run(inputs)[graph.Outputs[0].Name].ToArray();
        KernelAssert.CloseToReference(Array.ConvertAll(plain, v => (double)v), fused, 1e-5, $"{c} fused vs unfused");
    }

    [Theory]
    [MemberData(nameof(RandomSeeds.First), 12, MemberType = typeof(RandomSeeds))]
    public void Random_chains_match_the_reference(int seed)
    {
        var r = new Random(seed * 7919);
        int group = r.Next(3) switch { 0 => 1, 1 => 2, _ => 0 };
        int cg = r.Next(1, 4), coutG = r.Next(1, 4);
        if (group == 0)
        {
            group = r.Next(2, 6);
            cg = coutG = 1; // depthwise
        }

        int k = r.Next(3) switch { 0 => 1, 1 => 3, _ => 5 }, stride = r.Next(1, 3), dilation = k == 1 ? 1 : r.Next(1, 3), pad = r.Next(0, k);
        int span = (k - 1) * dilation + 1;
        int h = span + r.Next(0, 20), w = span + r.Next(0, 20);
        string? activation = r.Next(3) switch { 0 => null, 1 => "Relu", _ => "Clip" };
        var c = new Case(r.Next(1, 4), group * cg, h, w, group * coutG, k, stride, pad, dilation, group, r.Next(2) == 0, r.Next(4) != 0, r.Next(2) == 0, activation);
        Check(c, seed);
    }

    [Fact]
    public void Conv_bn_relu_large_planes_per_image_path() => Check(new Case(2, 3, 18, 17, 5, 3, 1, 1, 1, 1, false, true, false, "Relu"), 1);

    [Fact]
    public void Pointwise_with_bias_bn_residual_relu_on_large_planes() => Check(new Case(3, 6, 17, 16, 4, 1, 1, 0, 1, 1, true, true, true, "Relu"), 2);

    [Fact]
    public void Pointwise_small_planes_chunked() => Check(new Case(9, 5, 5, 7, 6, 1, 1, 0, 1, 1, false, true, true, "Clip"), 3);

    [Fact]
    public void Depthwise_stride_two_bn_clip() => Check(new Case(2, 4, 11, 9, 4, 3, 2, 1, 1, 4, false, true, false, "Clip"), 4);

    [Fact]
    public void Grouped_stride_two_residual_no_norm() => Check(new Case(3, 4, 9, 10, 6, 3, 2, 1, 1, 2, true, false, true, "Relu"), 5);

    /// <summary>
    /// resnet-small with random running statistics: the fused evaluation pass equals the unfused one; the Add of the
    /// projection-shortcut blocks fuses into the shortcut's convolution, so every BN, Add and Relu disappears.
    /// </summary>
    [Fact]
    public void Resnet_small_fuses_every_norm_add_and_relu_and_matches_unfused()
    {
        var module = GraphModule.FromGraph(ModelZoo.Create("resnet-small", 3));
        var r = new Random(5);
        foreach (var (name, buffer) in module.Buffers)
        {
            var span = buffer.AsSpan();
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = name.EndsWith("var", StringComparison.Ordinal) ? (float)(0.3 + r.NextDouble()) : (float)(r.NextDouble() - 0.5);
            }
        }

        module.Training = false;
        var steps = module.EvalSteps!;
        Assert.DoesNotContain(steps, s => s.Op.Node.OpType is "BatchNormalization" or "Add" or "Relu");
        // Every convolution has a step of its own or runs as a partner in another's (the stride-2 blocks' projections).
        Assert.Equal(module.ToGraph().Nodes.Count(n => n.OpType == "Conv"), steps.Count(s => s.Op.Node.OpType == "Conv") + steps.Count(s => s.Chain?.Partner is not null));

        var x = new Tensor(RandomFloats(r, 5 * 784, 0, 1), [5, 1, 28, 28]);
        var fused = module.Forward(x).ToArray();
        module.InputGradients = true;
        var plain = module.Forward(x).ToArray();
        for (int i = 0; i < fused.Length; i++)
        {
            Assert.True(Math.Abs(fused[i] - plain[i]) <= 1e-4 * Math.Max(1, Math.Abs(plain[i])), $"logit {i}: fused {fused[i]} vs unfused {plain[i]}");
        }
    }

    /// <summary>A backward pass after a fused evaluation forward replays the pass unfused and gives the unfused gradients.</summary>
    [Fact]
    public void Backward_after_a_fused_forward_gives_the_unfused_gradients()
    {
        var x = new Tensor(RandomFloats(new Random(2), 3 * 784, 0, 1), [3, 1, 28, 28]);
        var dy = new Tensor(RandomFloats(new Random(3), 30, -1, 1), [3, 10]);
        float[] Gradient(bool fused)
        {
            var m = GraphModule.FromGraph(ModelZoo.Create("resnet-small", 4));
            m.Training = false;
            if (!fused)
            {
                m.InputGradients = true; // switches fusion off (and also computes the input gradient)
            }

            m.Forward(x);
            m.Backward(dy);
            return m.Parameter("layer2.conv1.weight")!.Grad.ToArray();
        }

        Assert.Equal(Gradient(false), Gradient(true));
    }

    /// <summary>
    /// The fused pass reuses folded, packed, transformed or expanded weights while the weights and BatchNorm vectors stay
    /// the same; every change between passes (a weight edited in place, a running mean, a training pass, another batch
    /// size taking another kernel) must reach the output: each pass equals a fresh module built from the current values.
    /// Shapes for the direct kernel (3×3 stride 2), Winograd (3×3 stride 1, two image blocks), the small-plane product
    /// (2×2 plane) and im2col + GEMM (1×1).
    /// </summary>
    [Theory]
    [InlineData(24, 16, 8, 16, 3, 1, 1)]
    [InlineData(5, 3, 9, 8, 3, 2, 1)]
    [InlineData(6, 4, 2, 6, 3, 1, 1)]
    [InlineData(4, 5, 6, 7, 1, 2, 0)]
    public void Reused_derived_weights_follow_every_change(int n, int cin, int h, int cout, int k, int stride, int pad)
    {
        var c = new Case(n, cin, h, h, cout, k, stride, pad, 1, 1, false, true, false, "Relu");
        var r = new Random(n * 31 + h);
        var (graph, _, _) = Build(c, r);
        graph.Inputs[0].Dims[0] = -1; // any batch size
        graph.Outputs[0].Dims[0] = -1;
        var module = GraphModule.FromGraph(graph);
        module.Training = false;
        Tensor Images(int count) => new(RandomFloats(r, count * cin * h * h, -1, 1), [count, cin, h, h]);
        var x = Images(n);
        float[] Pass(GraphModule m, Tensor input) => m.Run(new Dictionary<string, Tensor> { ["x"] = input })["a"].ToArray();
        void ExpectFresh(Tensor input, string after)
        {
            var fresh = GraphModule.FromGraph(module.ToGraph());
            fresh.Training = false;
            Assert.True(Pass(fresh, input).SequenceEqual(Pass(module, input)), $"{c}: after {after} the fused pass differs from a fresh module's");
        }

        ExpectFresh(x, "the first pass");
        float[] first = Pass(module, x);
        Assert.Equal(first, Pass(module, x));

        module.Parameter("w")!.Value.AsSpan()[1] += 0.25f;
        ExpectFresh(x, "a weight changed in place");

        module.Buffers["mean"].AsSpan()[0] -= 0.5f;
        ExpectFresh(x, "a running mean changed");

        module.Parameter("scale")!.Value.AsSpan()[^1] *= 1.5f;
        ExpectFresh(Images(1), "a BatchNorm scale changed, batch 1");
        ExpectFresh(x, "back to the full batch");

        module.Training = true;
        module.Forward(x);
        module.Parameter("w")!.Value.AsSpan()[0] -= 0.125f;
        module.Training = false;
        ExpectFresh(x, "a training pass and a weight change");
    }

    /// <summary>A BatchNorm output that is also a graph output is not fused away (the chain stops before it is needed).</summary>
    [Fact]
    public void Intermediate_graph_outputs_stay_computed()
    {
        var c = new Case(2, 3, 6, 6, 4, 3, 1, 1, 1, 1, false, true, false, "Relu");
        var (graph, _, outShape) = Build(c, new Random(1));
        graph.Outputs.Add(new ValueInfo("c", ElementType.Float32, outShape.Select(d => (long)d).ToArray()));
        var module = GraphModule.FromGraph(graph);
        module.Training = false;
        Assert.Null(module.EvalSteps);
        var outputs = module.Run(new Dictionary<string, Tensor> { ["x"] = new Tensor(RandomFloats(new Random(2), 2 * 3 * 36, -1, 1), [2, 3, 6, 6]) });
        Assert.Equal(outputs["c"].Shape, outputs["a"].Shape);
    }
}
