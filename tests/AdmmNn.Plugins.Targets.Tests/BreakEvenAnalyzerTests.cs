using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Hardware;
using AdmmNn.Plugins.Fpga;

namespace AdmmNn.Plugins.Targets.Tests;

public class BreakEvenAnalyzerTests
{
    /// <summary>Conv 20×1×5×5 → MaxPool 2 → Flatten → Gemm 2880 → 10 (transB), input [N,1,28,28].</summary>
    private static ModelGraph Graph(float[] conv, float[] fc) => new()
    {
        Inputs = [new ValueInfo("input", ElementType.Float32, [-1, 1, 28, 28])],
        Outputs = [new ValueInfo("logits", ElementType.Float32, [-1, 10])],
        Initializers =
        [
            TensorData.FromFloats("conv1.weight", [20, 1, 5, 5], conv),
            TensorData.FromFloats("fc.weight", [10, 2880], fc),
        ],
        Nodes =
        [
            new GraphNode { Name = "conv", OpType = "Conv", Inputs = ["input", "conv1.weight"], Outputs = ["c"] },
            new GraphNode { Name = "pool", OpType = "MaxPool", Inputs = ["c"], Outputs = ["p"],
                Attributes = [NodeAttribute.Of("kernel_shape", 2L, 2L), NodeAttribute.Of("strides", 2L, 2L)] },
            new GraphNode { Name = "flat", OpType = "Flatten", Inputs = ["p"], Outputs = ["f"] },
            new GraphNode { Name = "fc", OpType = "Gemm", Inputs = ["f", "fc.weight"], Outputs = ["logits"], Attributes = [NodeAttribute.Of("transB", 1L)] },
        ],
    };

    private static float[] Random(int n, int seed, double keep = 1.0)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextDouble() < keep ? (float)(rng.NextDouble() * 2 - 1) + 1e-3f : 0f).ToArray();
    }

    [Fact]
    public void Workloads_have_shapes_macs_nonzeros_and_bits()
    {
        var conv = Random(500, 1, keep: 0.3);
        var layers = BreakEvenAnalyzer.Workloads(Graph(conv, Random(28_800, 2)), null);

        Assert.Equal(2, layers.Count);
        var c = layers[0];
        Assert.Equal([20, 1, 5, 5], c.WeightShape);
        Assert.Equal([1, 28, 28], c.InputShape);
        Assert.Equal([20, 24, 24], c.OutputShape);
        Assert.Equal(20L * 24 * 24 * 25, c.DenseMacs);
        Assert.Equal(conv.Count(v => v != 0), c.NonZeros);
        Assert.Equal(32, c.WeightBits);
        Assert.Equal("unstructured", c.Structure);
        Assert.True(c.IndexBits > 0);

        var f = layers[1];
        Assert.Equal([10, 2880], f.WeightShape);
        Assert.Equal([2880], f.InputShape);
        Assert.Equal([10], f.OutputShape);
        Assert.Equal(28_800, f.DenseMacs);
        Assert.Equal("dense", f.Structure);
        Assert.Equal(0, f.IndexBits);
    }

    [Fact]
    public void Ternary_weights_are_seen_as_two_bits_or_fewer_and_filters_as_filter_pruning()
    {
        var conv = Enumerable.Range(0, 500).Select(i => i < 250 ? 0f : (i % 2 == 0 ? 0.5f : -0.5f)).ToArray(); // filters 0-9 zero
        var layer = BreakEvenAnalyzer.Workloads(Graph(conv, Random(28_800, 2)), [1, 28, 28])[0];
        Assert.InRange(layer.WeightBits, 1, 2);
        Assert.Equal("filter", layer.Structure);
        Assert.Equal(250, layer.NonZeros);
    }

    [Fact]
    public void Analysis_on_fpga_matches_the_cost_model()
    {
        // conv1 at 2× unstructured (below the 3× break-even): sparse 1.5 · 2 / 2 = 1.5× the dense cycles, so speed-up 1/1.5.
        var conv = Enumerable.Range(0, 500).Select(i => i % 2 == 0 ? 0.25f + i * 1e-4f : 0f).ToArray();
        var graph = Graph(conv, Random(28_800, 2));
        StructureMetadata.Write(graph, new Dictionary<string, string> { ["conv1.weight"] = "unstructured" });
        var analysis = BreakEvenAnalyzer.Analyze(new FpgaTargetFactory().Create(null), graph, null);
        var row = analysis.Layers[0];
        Assert.Equal(2.0, row.CurrentRatio);
        Assert.Equal(3.0, row.BreakEvenRatio, 6);
        Assert.Equal(1 / 1.5, row.SpeedUp, 9);
        Assert.False(row.SparsePays);
        Assert.Equal(288_000 / 256.0 / 200e6, row.Dense.LatencySeconds, 15);
        Assert.Equal(analysis.Layers.Sum(l => l.Dense.LatencySeconds), analysis.DenseLatency, 15);
    }

    [Fact]
    public void Unknown_ops_are_reported_with_the_node()
    {
        var graph = Graph(Random(500, 1), Random(28_800, 2));
        graph.Nodes[2].OpType = "FancyOp";
        var ex = Assert.Throws<ShapeInferenceException>(() => BreakEvenAnalyzer.Workloads(graph, null));
        Assert.Contains("node 'flat' (FancyOp)", ex.Message);
    }

    [Fact]
    public void Strided_padded_convolutions_get_the_onnx_output_size()
    {
        var graph = Graph(Random(500, 1), Random(10 * 20 * 7 * 7, 2));
        graph.Nodes[0].Attributes = [NodeAttribute.Of("pads", 2L, 2L, 2L, 2L), NodeAttribute.Of("strides", 2L, 2L)];
        graph.Initializers[1] = TensorData.FromFloats("fc.weight", [10, 980], Random(9_800, 2));
        var conv = BreakEvenAnalyzer.Workloads(graph, null)[0];
        Assert.Equal([20, 14, 14], conv.OutputShape); // (28 + 4 - 5) / 2 + 1 = 14, pooled to 7x7
        Assert.Equal(20L * 14 * 14 * 25, conv.DenseMacs);
    }

    [Theory]
    [InlineData("block")]
    [InlineData("channel")]
    [InlineData("unstructured")]
    public void Zero_patterns_name_their_structure(string expected)
    {
        var w = new float[4 * 32];
        for (var r = 0; r < 4; r++)
        for (var c = 0; c < 32; c++)
            w[r * 32 + c] = expected switch
            {
                "block" => r % 2 == 0 && c < 16 ? 1f : 0f,   // whole 1x16 blocks
                "channel" => c % 3 == 0 ? 1f : 0f,            // whole columns (input channels of a dense layer)
                _ => (r * 7 + c * 3) % 5 == 0 ? 1f : 0f,
            };
        Assert.Equal(expected, WeightStructure.Detect(w, [4, 32]));
    }

    [Fact]
    public void Before_and_after_figures_pair_up_by_layer_for_reports()
    {
        var fpga = new FpgaTargetFactory().Create(null);
        var dense = Graph(Random(500, 1), Random(28_800, 2));
        var pruned = Graph(Random(500, 1, keep: 0.1), Random(28_800, 2));
        var json = HardwareComparison.ToJson(BreakEvenAnalyzer.Analyze(fpga, dense, null), BreakEvenAnalyzer.Analyze(fpga, pruned, null));

        Assert.Equal("fpga", json.GetProperty("target").GetString());
        var conv = json.GetProperty("layers")[0];
        Assert.Equal("conv1.weight", conv.GetProperty("name").GetString());
        Assert.True(conv.GetProperty("latencyAfter").GetDouble() < conv.GetProperty("latencyBefore").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, conv.GetProperty("energyBefore").ValueKind); // FPGA models no energy
        Assert.Equal(3.0, conv.GetProperty("breakEvenRatio").GetDouble(), 6);
    }
}
