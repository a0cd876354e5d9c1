using AdmmNn.Abstractions.Models;

namespace AdmmNn.Graph.Tests;

/// <summary>Small graphs written the way torch.onnx.export writes them.</summary>
internal static class GraphsForTests
{
    public static GraphNode Node(string op, string name, string[] inputs, string[] outputs, params NodeAttribute[] attributes) =>
        new() { OpType = op, Name = name, Inputs = [.. inputs], Outputs = [.. outputs], Attributes = [.. attributes] };

    public static NodeAttribute Tensor(string name, TensorData value) => new() { Name = name, Kind = AttributeKind.Tensor, Tensor = value };

    public static GraphNode Constant(string output, long[] dims, params long[] values) =>
        Node("Constant", output, [], [output], Tensor("value", TensorData.FromInt64s("", dims, values)));

    /// <summary>
    /// x.view(x.size(0), -1) after an average pool with a zero Pad, as PyTorch 1.13 exports LeNet at opset 11,
    /// followed by a Gemm: input [N,16,5,5].
    /// </summary>
    public static ModelGraph FlattenByShape(int opset)
    {
        var g = new ModelGraph { OpsetVersion = opset };
        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [-1, 16, 5, 5], ["N", null, null, null]));
        g.Outputs.Add(new ValueInfo("y", ElementType.Float32, [-1, 10]));
        g.Initializers.Add(TensorData.FromFloats("w", [10, 400], new float[4000]));
        g.Nodes.Add(Constant("pads", [8], new long[8]));
        g.Nodes.Add(Node("Pad", "pad", ["x", "pads"], ["padded"], NodeAttribute.Of("mode", "constant")));
        g.Nodes.Add(Node("Shape", "shape", ["padded"], ["s"]));
        g.Nodes.Add(Constant("zero", [], 0));
        g.Nodes.Add(Node("Gather", "gather", ["s", "zero"], ["n"], NodeAttribute.Of("axis", 0L)));
        if (opset >= 13)
        {
            g.Nodes.Add(Constant("axes", [1], 0));
            g.Nodes.Add(Node("Unsqueeze", "unsqueeze", ["n", "axes"], ["n1"]));
        }
        else g.Nodes.Add(Node("Unsqueeze", "unsqueeze", ["n"], ["n1"], NodeAttribute.Of("axes", [0L])));
        g.Nodes.Add(Constant("minus1", [1], -1));
        g.Nodes.Add(Node("Concat", "concat", ["n1", "minus1"], ["target"], NodeAttribute.Of("axis", 0L)));
        g.Nodes.Add(Node("Reshape", "reshape", ["padded", "target"], ["flat"]));
        g.Nodes.Add(Node("Gemm", "fc", ["flat", "w"], ["y"], NodeAttribute.Of("transB", 1L)));
        return g;
    }

    /// <summary>
    /// ShuffleNet's channel shuffle as PyTorch exports it at opset 13: x [N,48,8,8] viewed as (N, 2, 48/2, 8, 8) from
    /// x.size(), transposed, then viewed as (N, -1, 8, 8) from the size again.
    /// </summary>
    public static ModelGraph ChannelShuffle()
    {
        var g = new ModelGraph { OpsetVersion = 13 };
        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [-1, 48, 8, 8], ["N", null, null, null]));
        g.Outputs.Add(new ValueInfo("y", ElementType.Float32, [-1, 48, 8, 8]));
        g.Initializers.Add(TensorData.FromInt64s("axes0", [1], [0]));
        for (var i = 0; i < 4; i++)
        {
            g.Nodes.Add(Node("Shape", $"shape{i}", ["x"], [$"s{i}"]));
            g.Nodes.Add(Constant($"i{i}", [], i));
            g.Nodes.Add(Node("Gather", $"gather{i}", [$"s{i}", $"i{i}"], [$"d{i}"], NodeAttribute.Of("axis", 0L)));
            g.Nodes.Add(Node("Unsqueeze", $"unsqueeze{i}", [$"d{i}", "axes0"], [$"u{i}"]));
        }
        g.Nodes.Add(Constant("two", [], 2));
        g.Nodes.Add(Node("Div", "div", ["d1", "two"], ["per"]));
        g.Nodes.Add(Node("Cast", "cast", ["per"], ["per64"], NodeAttribute.Of("to", 7L)));
        g.Nodes.Add(Node("Unsqueeze", "unsqueeze_per", ["per64", "axes0"], ["uper"]));
        g.Nodes.Add(Constant("groups", [1], 2));
        g.Nodes.Add(Node("Concat", "concat1", ["u0", "groups", "uper", "u2", "u3"], ["t1"], NodeAttribute.Of("axis", 0L)));
        g.Nodes.Add(Node("Reshape", "reshape1", ["x", "t1"], ["r1"]));
        g.Nodes.Add(Node("Transpose", "transpose", ["r1"], ["tr"], NodeAttribute.Of("perm", [0L, 2, 1, 3, 4])));
        g.Nodes.Add(Constant("minus1", [1], -1));
        g.Nodes.Add(Node("Concat", "concat2", ["u0", "minus1", "u2", "u3"], ["t2"], NodeAttribute.Of("axis", 0L)));
        g.Nodes.Add(Node("Reshape", "reshape2", ["tr", "t2"], ["y"]));
        return g;
    }
}
