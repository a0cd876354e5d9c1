using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Tests.Support;

namespace AdmmNn.Runtime.Tests.Execution;

/// <summary>
/// The ops torchvision's classification models and typical PyTorch exports add (Clip, HardSigmoid, HardSwish, SiLU,
/// ReduceMean, Pad, Slice, Split, channel shuffle, Erf, Gelu, LayerNormalization): the runtime against the engine.
/// </summary>
public sealed class TorchvisionOpParityTests
{
    private static void Check(ModelGraph g, int[] inputShape, float tolerance = 1e-5f)
    {
        var input = EngineReference.RandomInput(inputShape.Aggregate(1, (a, b) => a * b), 42).Select(v => 4 * v).ToArray();
        var expected = EngineReference.RunEngine(g, input, inputShape);
        var model = CompressedModel.Load(EngineReference.Pack(g));
        var actual = new float[expected.Length];
        model.Run(input, inputShape[0], actual);
        EngineReference.AssertClose(expected, actual, tolerance);
        Assert.Contains(expected, v => v != 0f);
    }

    private static ModelGraph Graph(int opset, long[] inputDims, params GraphNode[] nodes)
    {
        var g = new ModelGraph { OpsetVersion = opset };
        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, inputDims));
        g.Outputs.Add(new ValueInfo("y", ElementType.Float32, []));
        g.Nodes.AddRange(nodes);
        return g;
    }

    private static GraphNode Node(string op, string[] inputs, string[] outputs, params NodeAttribute[] attributes) =>
        new() { Name = op.ToLowerInvariant() + "_" + outputs[0], OpType = op, Inputs = [.. inputs], Outputs = [.. outputs], Attributes = [.. attributes] };

    private static float[] Random(int n, int seed) => EngineReference.RandomInput(n, seed);

    [Fact]
    public void Mobilenet_activations_and_squeeze_excitation()
    {
        // ReLU6 as Clip with Constant bounds, HardSwish, an SE gate (ReduceMean → HardSigmoid → Mul [N,C,1,1]), SiLU.
        var g = Graph(17, [-1, 3, 5, 6],
            new GraphNode { Name = "min", OpType = "Constant", Outputs = ["lo"], Attributes = [new NodeAttribute { Name = "value", Kind = AttributeKind.Tensor, Tensor = TensorData.FromFloats("", [], [0f]) }] },
            Node("Clip", ["x", "lo", "six"], ["c"]),
            Node("HardSwish", ["x"], ["hs"]),
            Node("Add", ["c", "hs"], ["a"]),
            Node("ReduceMean", ["a"], ["m"], NodeAttribute.Of("axes", 2L, 3L)),
            Node("HardSigmoid", ["m"], ["gate"], NodeAttribute.Of("alpha", 1f / 6)),
            Node("Mul", ["gate", "a"], ["se"]),
            Node("Sigmoid", ["se"], ["sg"]),
            Node("Mul", ["se", "sg"], ["silu"]),
            Node("ReduceMean", ["silu"], ["y"], NodeAttribute.Of("axes", [-1L]), NodeAttribute.Of("keepdims", 0L)));
        g.Initializers.Add(TensorData.FromFloats("six", [], [6f]));
        Check(g, [2, 3, 5, 6]);
    }

    [Fact]
    public void Clip_with_attributes_at_opset_7() =>
        Check(Graph(7, [-1, 10], Node("Clip", ["x"], ["y"], NodeAttribute.Of("min", -1f), NodeAttribute.Of("max", 0.5f))), [3, 10]);

    [Fact]
    public void ReduceMean_axes_input_at_opset_18()
    {
        var g = Graph(18, [-1, 4, 3], Node("ReduceMean", ["x", "axes"], ["y"], NodeAttribute.Of("keepdims", 0L)));
        g.Initializers.Add(TensorData.FromInt64s("axes", [1], [1]));
        Check(g, [2, 4, 3]);
    }

    [Fact]
    public void Densenet_transition_pad_and_average_pool()
    {
        var g = Graph(13, [-1, 2, 5, 5],
            Node("Pad", ["x", "pads", "fill"], ["p"]),
            Node("AveragePool", ["p"], ["ap"], NodeAttribute.Of("kernel_shape", 2L, 2L), NodeAttribute.Of("strides", 2L, 2L), NodeAttribute.Of("ceil_mode", 1L)),
            Node("Pad", ["ap", "pads2"], ["e"], NodeAttribute.Of("mode", "edge")),
            Node("Pad", ["e", "pads3"], ["y"], NodeAttribute.Of("mode", "reflect")));
        g.Initializers.Add(TensorData.FromInt64s("pads", [8], [0, 0, 1, 0, 0, 0, 1, 2]));
        g.Initializers.Add(TensorData.FromFloats("fill", [], [0.25f]));
        g.Initializers.Add(TensorData.FromInt64s("pads2", [8], [0, 0, 2, 1, 0, 0, 0, 1]));
        g.Initializers.Add(TensorData.FromInt64s("pads3", [8], [0, 1, 1, 1, 0, 0, -1, 2]));
        Check(g, [2, 2, 5, 5]);
    }

    [Fact]
    public void Pad_attributes_before_opset_11() =>
        Check(Graph(9, [-1, 3, 4], Node("Pad", ["x"], ["y"], NodeAttribute.Of("pads", 0L, 1L, 2L, 0L, 0L, 1L), NodeAttribute.Of("value", 2f))), [2, 3, 4]);

    [Fact]
    public void Shufflenet_split_slice_and_channel_shuffle()
    {
        // Halves by Split and by Slice (torch's chunk at opsets 11-17), then concat and the folded channel shuffle.
        var g = Graph(13, [-1, 8, 3, 3],
            Node("Split", ["x", "halves"], ["s0", "s1"], NodeAttribute.Of("axis", 1L)),
            Node("Slice", ["x", "starts", "ends", "axes"], ["sl"]),
            Node("Slice", ["x", "rstarts", "rends", "raxes", "rsteps"], ["rev"]),
            Node("Add", ["sl", "s1"], ["b"]),
            Node("Add", ["rev", "s0"], ["a"]),
            Node("Concat", ["a", "b"], ["cat"], NodeAttribute.Of("axis", 1L)),
            Node("Reshape", ["cat", "shape5"], ["r5"]),
            Node("Transpose", ["r5"], ["t"], NodeAttribute.Of("perm", 0L, 2L, 1L, 3L, 4L)),
            Node("Reshape", ["t", "shape4"], ["y"]));
        g.Initializers.Add(TensorData.FromInt64s("halves", [2], [4, 4]));
        g.Initializers.Add(TensorData.FromInt64s("starts", [1], [4]));
        g.Initializers.Add(TensorData.FromInt64s("ends", [1], [long.MaxValue]));
        g.Initializers.Add(TensorData.FromInt64s("axes", [1], [1]));
        g.Initializers.Add(TensorData.FromInt64s("rstarts", [2], [-5, 2]));
        g.Initializers.Add(TensorData.FromInt64s("rends", [2], [long.MinValue, -100]));
        g.Initializers.Add(TensorData.FromInt64s("raxes", [2], [1, -1]));
        g.Initializers.Add(TensorData.FromInt64s("rsteps", [2], [-1, -1]));
        g.Initializers.Add(TensorData.FromInt64s("shape5", [5], [0, 2, 4, 3, 3]));
        g.Initializers.Add(TensorData.FromInt64s("shape4", [4], [0, -1, 3, 3]));
        Check(g, [2, 8, 3, 3]);
    }

    [Fact]
    public void Split_and_slice_older_forms()
    {
        var g = Graph(9, [-1, 6, 2],
            Node("Split", ["x"], ["a", "b"], NodeAttribute.Of("axis", 1L), NodeAttribute.Of("split", 2L, 4L)),
            Node("Slice", ["b"], ["s"], NodeAttribute.Of("starts", [1L]), NodeAttribute.Of("ends", [3L]), NodeAttribute.Of("axes", [1L])),
            Node("Mul", ["a", "s"], ["y"]));
        Check(g, [3, 6, 2]);
    }

    [Fact]
    public void Split_num_outputs_at_opset_18()
    {
        var g = Graph(18, [-1, 7], Node("Split", ["x"], ["a", "b", "c"], NodeAttribute.Of("axis", 1L), NodeAttribute.Of("num_outputs", 3L)),
            Node("Concat", ["c", "a", "b"], ["y"], NodeAttribute.Of("axis", 1L)));
        Check(g, [2, 7]);
    }

    [Fact]
    public void Gelu_both_forms_erf_and_layer_normalization()
    {
        var g = Graph(20, [-1, 3, 8],
            Node("Gelu", ["x"], ["g1"]),
            Node("Gelu", ["x"], ["g2"], NodeAttribute.Of("approximate", "tanh")),
            Node("Erf", ["x"], ["e"]),
            Node("Add", ["g1", "g2"], ["s"]),
            Node("Add", ["s", "e"], ["t"]),
            Node("LayerNormalization", ["t", "scale", "bias"], ["ln", "mean", "inv"], NodeAttribute.Of("epsilon", 1e-3f)),
            Node("LayerNormalization", ["ln", "scale2"], ["n2"], NodeAttribute.Of("axis", 1L)),
            Node("Add", ["n2", "mean"], ["u"]),
            Node("Mul", ["u", "inv"], ["y"]));
        g.Initializers.Add(TensorData.FromFloats("scale", [8], Random(8, 3)));
        g.Initializers.Add(TensorData.FromFloats("bias", [8], Random(8, 4)));
        g.Initializers.Add(TensorData.FromFloats("scale2", [1, 8], Random(8, 5)));
        Check(g, [2, 3, 8]);
    }
}
