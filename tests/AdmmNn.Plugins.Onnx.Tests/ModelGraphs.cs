using AdmmNn.Abstractions.Models;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>Small hand-built graphs for format tests.</summary>
internal static class ModelGraphs
{
    /// <summary>input [N,1,4,4] -> Conv(2 filters 3x3) -> Relu -> Flatten -> Gemm(8->3) -> "logits".</summary>
    internal static ModelGraph TinyConvNet(int seed = 1)
    {
        var random = new Random(seed);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var graph = new ModelGraph { Name = "tiny", OpsetVersion = 13, IrVersion = 7, ProducerName = "test" };
        graph.Inputs.Add(new ValueInfo("input", ElementType.Float32, [-1, 1, 4, 4], ["N", null, null, null]));
        graph.Outputs.Add(new ValueInfo("logits", ElementType.Float32, [-1, 3], ["N", null]));
        graph.Initializers.Add(TensorData.FromFloats("conv.weight", [2, 1, 3, 3], Values(18)));
        graph.Initializers.Add(TensorData.FromFloats("conv.bias", [2], Values(2)));
        graph.Initializers.Add(TensorData.FromFloats("fc.weight", [3, 8], Values(24)));
        graph.Initializers.Add(TensorData.FromFloats("fc.bias", [3], Values(3)));
        graph.Nodes.Add(new GraphNode
        {
            Name = "conv", OpType = "Conv", Inputs = ["input", "conv.weight", "conv.bias"], Outputs = ["c"],
            Attributes = [NodeAttribute.Of("kernel_shape", 3L, 3L), NodeAttribute.Of("pads", 0L, 0L, 0L, 0L)],
        });
        graph.Nodes.Add(new GraphNode { Name = "relu", OpType = "Relu", Inputs = ["c"], Outputs = ["r"] });
        graph.Nodes.Add(new GraphNode { Name = "flatten", OpType = "Flatten", Inputs = ["r"], Outputs = ["f"], Attributes = [NodeAttribute.Of("axis", 1L)] });
        graph.Nodes.Add(new GraphNode
        {
            Name = "fc", OpType = "Gemm", Inputs = ["f", "fc.weight", "fc.bias"], Outputs = ["logits"],
            Attributes = [NodeAttribute.Of("transB", 1L), NodeAttribute.Of("alpha", 1.0f)],
        });
        graph.Metadata["admmnn.sparsity"] = "0.5";
        return graph;
    }
}
