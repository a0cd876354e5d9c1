using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Tests.Support;

namespace AdmmNn.Runtime.Tests.Execution;

/// <summary>Each op on the runtime against the same op on the training engine.</summary>
public sealed class OpParityTests
{
    private static float[] Random(int n, int seed, double keep = 1.0)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextDouble() < keep ? (float)(rng.NextDouble() * 2 - 1) : 0f).ToArray();
    }

    private static void Check(ModelGraph g, int[] inputShape, KernelChoice kernels = KernelChoice.Auto, float tolerance = 1e-4f)
    {
        int size = inputShape.Aggregate(1, (a, b) => a * b);
        var input = EngineReference.RandomInput(size, 42);
        var expected = EngineReference.RunEngine(g, input, inputShape);
        var model = CompressedModel.Load(EngineReference.Pack(g), new CompressedModelOptions { Kernels = kernels });
        var actual = new float[expected.Length];
        model.Run(input, inputShape[0], actual);
        EngineReference.AssertClose(expected, actual, tolerance);
    }

    private static ModelGraph Graph(long[] inputDims, long[] outputDims, params GraphNode[] nodes)
    {
        var g = new ModelGraph();
        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, inputDims));
        g.Outputs.Add(new ValueInfo("y", ElementType.Float32, outputDims));
        g.Nodes.AddRange(nodes);
        return g;
    }

    private static GraphNode Node(string op, string[] inputs, string output, params NodeAttribute[] attributes) =>
        new() { Name = op.ToLowerInvariant(), OpType = op, Inputs = [.. inputs], Outputs = [output], Attributes = [.. attributes] };

    [Theory]
    [InlineData(KernelChoice.Dense)]
    [InlineData(KernelChoice.Sparse)]
    public void Conv_with_groups_strides_pads_and_dilations(KernelChoice kernels)
    {
        var g = Graph([-1, 4, 9, 9], [-1, 6, 4, 4], Node("Conv", ["x", "w", "b"], "y",
            NodeAttribute.Of("group", 2L), NodeAttribute.Of("strides", 2L, 2L), NodeAttribute.Of("pads", 1L, 1L, 1L, 1L), NodeAttribute.Of("dilations", 2L, 2L)));
        g.Initializers.Add(TensorData.FromFloats("w", [6, 2, 3, 3], Random(108, 1, 0.4)));
        g.Initializers.Add(TensorData.FromFloats("b", [6], Random(6, 2)));
        Check(g, [3, 4, 9, 9], kernels);
    }

    [Theory]
    [InlineData(KernelChoice.Dense)]
    [InlineData(KernelChoice.Sparse)]
    public void Stride_one_conv_with_pads_and_groups(KernelChoice kernels)
    {
        // Sparse: the direct (shifted) sparse convolution, on a zero-padded copy of the input.
        var g = Graph([-1, 4, 7, 9], [-1, 6, 7, 8], Node("Conv", ["x", "w", "b"], "y",
            NodeAttribute.Of("group", 2L), NodeAttribute.Of("pads", 1L, 0L, 1L, 1L)));
        g.Initializers.Add(TensorData.FromFloats("w", [6, 2, 3, 3], Random(108, 11, 0.3)));
        g.Initializers.Add(TensorData.FromFloats("b", [6], Random(6, 12)));
        Check(g, [2, 4, 7, 9], kernels);
    }

    [Fact]
    public void Large_sparse_conv_uses_full_vector_strips()
    {
        var g = Graph([-1, 3, 30, 30], [-1, 5, 26, 26], Node("Conv", ["x", "w"], "y"));
        g.Initializers.Add(TensorData.FromFloats("w", [5, 3, 5, 5], Random(375, 13, 0.2)));
        Check(g, [2, 3, 30, 30], KernelChoice.Sparse);
    }

    [Fact]
    public void One_by_one_conv_reads_the_input_directly()
    {
        var g = Graph([-1, 3, 5, 5], [-1, 4, 5, 5], Node("Conv", ["x", "w"], "y"));
        g.Initializers.Add(TensorData.FromFloats("w", [4, 3, 1, 1], Random(12, 3)));
        Check(g, [2, 3, 5, 5]);
    }

    [Fact]
    public void Pools_batch_norm_and_activations()
    {
        var g = Graph([-1, 2, 7, 7], [-1, 2, 1, 1],
            Node("BatchNormalization", ["x", "s", "bb", "m", "v"], "bn", NodeAttribute.Of("epsilon", 1e-3f)),
            Node("LeakyRelu", ["bn"], "lr", NodeAttribute.Of("alpha", 0.2f)),
            Node("AveragePool", ["lr"], "ap", NodeAttribute.Of("kernel_shape", 3L, 3L), NodeAttribute.Of("pads", 1L, 1L, 1L, 1L), NodeAttribute.Of("strides", 2L, 2L)),
            Node("MaxPool", ["ap"], "mp", NodeAttribute.Of("kernel_shape", 2L, 2L), NodeAttribute.Of("strides", 1L, 1L)),
            Node("Sigmoid", ["mp"], "sg"),
            Node("Tanh", ["sg"], "th"),
            Node("GlobalAveragePool", ["th"], "y"));
        g.Initializers.Add(TensorData.FromFloats("s", [2], [1.5f, 0.5f]));
        g.Initializers.Add(TensorData.FromFloats("bb", [2], [0.1f, -0.3f]));
        g.Initializers.Add(TensorData.FromFloats("m", [2], [0.2f, -0.1f]));
        g.Initializers.Add(TensorData.FromFloats("v", [2], [0.9f, 2.0f]));
        Check(g, [3, 2, 7, 7]);
    }

    [Fact]
    public void Shape_ops_broadcasting_and_softmax()
    {
        var g = Graph([-1, 2, 3, 4], [-1, 24],
            Node("Transpose", ["x"], "t", NodeAttribute.Of("perm", 0L, 3L, 1L, 2L)),
            Node("Add", ["t", "c1"], "a"),
            Node("Mul", ["a", "c2"], "m"),
            Node("Sub", ["m", "c3"], "s"),
            Node("Div", ["s", "c4"], "d"),
            Node("Concat", ["d", "t"], "cc", NodeAttribute.Of("axis", 1L)),
            Node("Reshape", ["cc", "shape"], "r"),
            Node("Softmax", ["r"], "sm", NodeAttribute.Of("axis", -1L)),
            Node("LogSoftmax", ["sm"], "ls"),
            Node("Flatten", ["ls"], "f"),
            Node("Identity", ["f"], "i"),
            Node("Dropout", ["i"], "y"));
        g.Initializers.Add(TensorData.FromFloats("c1", [2, 3], Random(6, 5)));
        g.Initializers.Add(TensorData.FromFloats("c2", [4, 1, 1], Random(4, 6)));
        g.Initializers.Add(TensorData.FromFloats("c3", [], [0.25f]));
        g.Initializers.Add(TensorData.FromFloats("c4", [1, 4, 1, 3], Random(12, 7).Select(v => v + 3f).ToArray()));
        g.Initializers.Add(TensorData.FromInt64s("shape", [3], [0, 4, -1]));
        Check(g, [2, 2, 3, 4]);
    }

    [Theory]
    [InlineData(KernelChoice.Dense)]
    [InlineData(KernelChoice.Sparse)]
    public void MatMul_and_Gemm_variants(KernelChoice kernels)
    {
        var g = Graph([-1, 6], [-1, 5],
            Node("MatMul", ["x", "w1"], "h"),
            Node("Gemm", ["h", "w2", "c"], "g", NodeAttribute.Of("alpha", 0.5f), NodeAttribute.Of("beta", 2f)),
            Node("Relu", ["g"], "y"));
        g.Initializers.Add(TensorData.FromFloats("w1", [6, 8], Random(48, 8, 0.3)));
        g.Initializers.Add(TensorData.FromFloats("w2", [8, 5], Random(40, 9, 0.5)));
        g.Initializers.Add(TensorData.FromFloats("c", [5], Random(5, 10)));
        Check(g, [4, 6], kernels);
        Check(g, [1, 6], kernels);
    }

    [Fact]
    public void Matmul_of_two_computed_values()
    {
        var g = Graph([-1, 3, 3], [-1, 3, 3], Node("MatMul", ["x", "x"], "y"));
        Check(g, [2, 3, 3]);
    }
}
