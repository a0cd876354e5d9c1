using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Models;

/// <summary>Gradient checks through whole graphs: views, shared values and chained ops.</summary>
public sealed class NetworkGradientTests
{
    [Fact]
    public void Small_lenet_like_network_matches_finite_differences()
    {
        var op = new OpGraph("Conv").Random("x", [2, 1, 8, 8]).Random("w1", [3, 1, 3, 3]).Random("b1", [3]);
        var g = op.Graph;
        var conv = g.Nodes[0];
        conv.Outputs = ["c"];
        g.Nodes.Add(new GraphNode { Name = "pool", OpType = "MaxPool", Inputs = ["c"], Outputs = ["p"], Attributes = [NodeAttribute.Of("kernel_shape", 2, 2), NodeAttribute.Of("strides", 2, 2)] });
        g.Nodes.Add(new GraphNode { Name = "flat", OpType = "Flatten", Inputs = ["p"], Outputs = ["f"] });
        op.Random("w2", [4, 27]).Random("b2", [4]).Random("w3", [3, 4]);
        // Random() appended the new operands to the conv node's inputs; move them to their own nodes.
        conv.Inputs = ["x", "w1", "b1"];
        g.Nodes.Add(new GraphNode { Name = "fc1", OpType = "Gemm", Inputs = ["f", "w2", "b2"], Outputs = ["h"], Attributes = [NodeAttribute.Of("transB", 1L)] });
        g.Nodes.Add(new GraphNode { Name = "relu", OpType = "Relu", Inputs = ["h"], Outputs = ["r"] });
        // The ReLU output is used twice (a shared value): y = r·w3ᵀ + r·w3ᵀ via MatMul after a Transpose.
        g.Nodes.Add(new GraphNode { Name = "t", OpType = "Transpose", Inputs = ["w3"], Outputs = ["w3t"] });
        g.Nodes.Add(new GraphNode { Name = "mm", OpType = "MatMul", Inputs = ["r", "w3t"], Outputs = ["m"] });
        g.Nodes.Add(new GraphNode { Name = "sum", OpType = "Add", Inputs = ["m", "r2"], Outputs = ["y"] });
        g.Nodes.Add(new GraphNode { Name = "mm2", OpType = "MatMul", Inputs = ["r", "w3t"], Outputs = ["r2"] });
        // Keep topological order: mm2 must run before sum.
        (g.Nodes[^1], g.Nodes[^2]) = (g.Nodes[^2], g.Nodes[^1]);

        GradientCheck.Run(op, o =>
        {
            var c = Reference.Conv(o["x"], o["w1"], o["b1"], [1, 1], [0, 0, 0, 0], [1, 1], 1);
            var p = Reference.Pool(c, true, [2, 2], [2, 2], [0, 0, 0, 0], [1, 1], 3, 3, false);
            var f = p with { S = [2, 27] };
            var h = Reference.Gemm(f, o["w2"], o["b2"], 1, 1, false, true);
            var r = Reference.Map(h, v => Math.Max(v, 0));
            var m = Reference.Gemm(r, o["w3"], null, 1, 0, false, true);
            return Reference.Binary(m, m, (a, b) => a + b);
        }, maxProbes: 12);
    }
}
