using AdmmNn.Abstractions.Models;

namespace AdmmNn.Runtime.Tests.Support;

/// <summary>Small graphs built by hand for format and kernel tests.</summary>
internal static class TestGraphs
{
    /// <summary>A tiny LeNet-like graph: Conv 1->4 3x3, Relu, MaxPool 2, Flatten, Gemm -> 10 (weights pruned and quantized by seed).</summary>
    public static ModelGraph TinyConvNet(int seed, double keep = 0.3, bool quantize = true)
    {
        var rng = new Random(seed);
        float[] Weights(int n, float scale)
        {
            var w = new float[n];
            for (int i = 0; i < n; i++)
            {
                if (rng.NextDouble() > keep) continue;
                w[i] = quantize ? scale * (float)rng.Next(-3, 4) : (float)(rng.NextDouble() * 2 - 1) * scale;
            }
            return w;
        }
        var g = new ModelGraph { Name = "tiny", ProducerName = "test" };
        g.Inputs.Add(new ValueInfo("input", ElementType.Float32, [-1, 1, 8, 8], ["N", null, null, null]));
        g.Outputs.Add(new ValueInfo("logits", ElementType.Float32, [-1, 10]));
        g.Initializers.Add(TensorData.FromFloats("conv.weight", [4, 1, 3, 3], Weights(36, 0.2f)));
        g.Initializers.Add(TensorData.FromFloats("conv.bias", [4], [0.1f, -0.2f, 0.05f, 0f]));
        g.Initializers.Add(TensorData.FromFloats("fc.weight", [10, 36], Weights(360, 0.1f)));
        g.Initializers.Add(TensorData.FromFloats("fc.bias", [10], Enumerable.Range(0, 10).Select(i => i * 0.01f).ToArray()));
        g.Nodes.Add(new GraphNode { Name = "conv", OpType = "Conv", Inputs = ["input", "conv.weight", "conv.bias"], Outputs = ["c"],
            Attributes = [NodeAttribute.Of("kernel_shape", 3L, 3L), NodeAttribute.Of("pads", 0L, 0L, 0L, 0L)] });
        g.Nodes.Add(new GraphNode { Name = "relu", OpType = "Relu", Inputs = ["c"], Outputs = ["r"] });
        g.Nodes.Add(new GraphNode { Name = "pool", OpType = "MaxPool", Inputs = ["r"], Outputs = ["p"],
            Attributes = [NodeAttribute.Of("kernel_shape", 2L, 2L), NodeAttribute.Of("strides", 2L, 2L)] });
        g.Nodes.Add(new GraphNode { Name = "flatten", OpType = "Flatten", Inputs = ["p"], Outputs = ["f"], Attributes = [NodeAttribute.Of("axis", 1L)] });
        g.Nodes.Add(new GraphNode { Name = "fc", OpType = "Gemm", Inputs = ["f", "fc.weight", "fc.bias"], Outputs = ["logits"],
            Attributes = [NodeAttribute.Of("transB", 1L), NodeAttribute.Of("alpha", 1f)] });
        g.Metadata["compression"] = "test";
        return g;
    }
}
