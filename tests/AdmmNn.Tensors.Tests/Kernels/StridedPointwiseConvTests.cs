using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Tests.Support;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// The strided 1×1 evaluation kernel against the double-precision convolution on random shapes (odd planes, strides 2
/// and 3, unequal strides, channel counts not a multiple of 8, one position, batch 1), and through the op: the fused
/// Conv + BN + residual + Relu chain against the reference, bit-identical for 1 and 2 threads.
/// </summary>
[Collection(WorkersCollection.Name)]
public sealed class StridedPointwiseConvTests
{
    private static float[] RandomFloats(Random r, int count) => Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();

    [Theory]
    [MemberData(nameof(RandomSeeds.First), 10, MemberType = typeof(RandomSeeds))]
    public void Kernel_matches_the_double_loop(int seed)
    {
        if (!StridedPointwiseConv.IsSupported)
        {
            return;
        }

        var r = new Random(seed);
        for (int trial = 0; trial < 6; trial++)
        {
            int cin = r.Next(1, 41), cout = r.Next(1, 27), sh = r.Next(1, 4), sw = sh == 1 ? 2 : r.Next(1, 4);
            int h = r.Next(1, 30), w = r.Next(1, 30);
            int oh = (h - 1) / sh + 1, ow = (w - 1) / sw + 1;
            var g = new ConvShape(h, w, oh, ow, 1, 1, sh, sw, 0, 0, 1, 1);
            Assert.True(StridedPointwiseConv.Supports(g));
            float[] x = RandomFloats(r, cin * h * w), wt = RandomFloats(r, cout * cin), b = RandomFloats(r, cout);
            var packed = new float[StridedPointwiseConv.PackedWeightFloats(cin, cout)];
            var packedBias = new float[(cout + 7) / 8 * 8];
            StridedPointwiseConv.PackWeights(cin, cout, wt, b, packed, packedBias);
            var scratch = new float[StridedPointwiseConv.ScratchFloats(g, cin)];
            Array.Fill(scratch, float.NaN); // stale scratch must not leak into outputs
            var y = new float[cout * oh * ow + 5];
            Array.Fill(y, 7f);
            StridedPointwiseConv.Compute(g, cin, cout, x, packed, packedBias, scratch, y);

            var expected = Reference.Conv(new DTensor(x.Select(v => (double)v).ToArray(), [1, cin, h, w]), new DTensor(wt.Select(v => (double)v).ToArray(), [cout, cin, 1, 1]),
                new DTensor(b.Select(v => (double)v).ToArray(), [cout]), [sh, sw], [0, 0, 0, 0], [1, 1], 1);
            for (int i = 0; i < expected.V.Length; i++)
            {
                // A sum of cin + 1 products of values in [−1, 1]: float rounding at most (cin + 1)·ε per term.
                double bound = (cin + 2) * Math.Pow(2, -23) * (cin + 1);
                Assert.True(Math.Abs(y[i] - expected.V[i]) <= bound, $"{g} cin {cin} cout {cout}: output {i} is {y[i]}, reference {expected.V[i]}");
            }

            Assert.All(y[expected.V.Length..], v => Assert.Equal(7f, v));
        }
    }

    [Fact]
    public void Padded_dilated_or_unit_stride_shapes_are_not_taken()
    {
        Assert.False(StridedPointwiseConv.Supports(new ConvShape(8, 8, 8, 8, 1, 1, 1, 1, 0, 0, 1, 1)));
        Assert.False(StridedPointwiseConv.Supports(new ConvShape(8, 8, 5, 5, 1, 1, 2, 2, 1, 1, 1, 1)));
        Assert.False(StridedPointwiseConv.Supports(new ConvShape(8, 8, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1)));
    }

    /// <summary>y = Relu(BN(conv1×1/2(x)) + r) on n × cin × size², evaluation mode (fused).</summary>
    private static (GraphModule Module, Dictionary<string, Tensor> Inputs, DTensor Expected) Build(int n, int cin, int cout, int size, int seed)
    {
        var r = new Random(seed);
        int o = (size - 1) / 2 + 1;
        var g = new ModelGraph { OpsetVersion = 17 };
        var values = new Dictionary<string, DTensor>();
        void Init(string name, int[] shape, float[] v)
        {
            g.Initializers.Add(TensorData.FromFloats(name, shape.Select(d => (long)d).ToArray(), v));
            values[name] = new DTensor(v.Select(f => (double)f).ToArray(), shape);
        }

        Init("w", [cout, cin, 1, 1], RandomFloats(r, cout * cin));
        Init("scale", [cout], RandomFloats(r, cout).Select(v => 1 + 0.5f * v).ToArray());
        Init("beta", [cout], RandomFloats(r, cout));
        Init("mean", [cout], RandomFloats(r, cout));
        Init("var", [cout], RandomFloats(r, cout).Select(v => 1 + 0.5f * v).ToArray());
        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [-1, cin, size, size]));
        g.Inputs.Add(new ValueInfo("r", ElementType.Float32, [-1, cout, o, o]));
        var conv = new GraphNode { Name = "conv", OpType = "Conv", Inputs = ["x", "w"], Outputs = ["c"] };
        conv.Attributes.Add(NodeAttribute.Of("kernel_shape", 1, 1));
        conv.Attributes.Add(NodeAttribute.Of("strides", 2, 2));
        g.Nodes.Add(conv);
        g.Nodes.Add(new GraphNode { Name = "bn", OpType = "BatchNormalization", Inputs = ["c", "scale", "beta", "mean", "var"], Outputs = ["n"] });
        g.Nodes.Add(new GraphNode { Name = "add", OpType = "Add", Inputs = ["n", "r"], Outputs = ["s"] });
        g.Nodes.Add(new GraphNode { Name = "act", OpType = "Relu", Inputs = ["s"], Outputs = ["y"] });
        g.Outputs.Add(new ValueInfo("y", ElementType.Float32, [-1, cout, o, o]));
        var inputs = new Dictionary<string, Tensor>
        {
            ["x"] = new Tensor(RandomFloats(r, n * cin * size * size), [n, cin, size, size]),
            ["r"] = new Tensor(RandomFloats(r, n * cout * o * o), [n, cout, o, o]),
        };
        var expected = Reference.Conv(DTensor.From(inputs["x"]), values["w"], null, [2, 2], [0, 0, 0, 0], [1, 1], 1);
        expected = Reference.BatchNorm(expected, values["scale"], values["beta"], values["mean"], values["var"], 1e-5, training: false);
        expected = Reference.Map(Reference.Binary(expected, DTensor.From(inputs["r"]), (a, b) => a + b), v => Math.Max(v, 0));
        var module = GraphModule.FromGraph(g);
        module.Training = false;
        Assert.NotNull(module.EvalSteps);
        return (module, inputs, expected);
    }

    [Theory]
    [InlineData(5, 16, 32, 28)]
    [InlineData(3, 32, 64, 14)]
    [InlineData(1, 7, 13, 17)]
    public void Fused_chain_matches_the_reference_and_is_thread_count_independent(int n, int cin, int cout, int size)
    {
        var (module, inputs, expected) = Build(n, cin, cout, size, n * 100 + size);
        int saved = Workers.Threads;
        try
        {
            Workers.Threads = 1;
            float[] one = module.Run(inputs)["y"].ToArray();
            Workers.Threads = 2;
            float[] two = module.Run(inputs)["y"].ToArray();
            Assert.Equal(one, two);
            KernelAssert.CloseToReference(expected.V, one, 1e-5 * Math.Sqrt(cin), "output");

        }
        finally
        {
            Workers.Threads = saved;
        }
    }
}
