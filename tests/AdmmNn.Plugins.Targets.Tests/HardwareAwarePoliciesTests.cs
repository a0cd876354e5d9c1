using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Hardware;
using AdmmNn.Core.Policy;
using AdmmNn.Plugins.Fpga;
using AdmmNn.Plugins.MobileGpu;

namespace AdmmNn.Plugins.Targets.Tests;

public class HardwareAwarePoliciesTests
{
    /// <summary>Conv 20×1×5×5 → Flatten → Gemm 11520 → 10.</summary>
    private static ModelGraph Graph() => new()
    {
        Inputs = [new ValueInfo("input", ElementType.Float32, [-1, 1, 28, 28])],
        Outputs = [new ValueInfo("logits", ElementType.Float32, [-1, 10])],
        Initializers =
        [
            TensorData.FromFloats("conv1.weight", [20, 1, 5, 5], Enumerable.Repeat(0.5f, 500).ToArray()),
            TensorData.FromFloats("fc.weight", [10, 11520], Enumerable.Repeat(0.5f, 115_200).ToArray()),
        ],
        Nodes =
        [
            new GraphNode { Name = "conv", OpType = "Conv", Inputs = ["input", "conv1.weight"], Outputs = ["c"] },
            new GraphNode { Name = "flat", OpType = "Flatten", Inputs = ["c"], Outputs = ["f"] },
            new GraphNode { Name = "fc", OpType = "Gemm", Inputs = ["f", "fc.weight"], Outputs = ["logits"], Attributes = [NodeAttribute.Of("transB", 1L)] },
        ],
    };

    private const string Policy = """
        {
          "layers": [
            { "match": "conv*", "prune": { "keep": 0.5 }, "quantize": { "bits": 3, "levels": "uniform" }, "bias": { "bits": 8 } },
            { "match": "*", "prune": { "keep": 0.1 } }
          ]
        }
        """;

    [Fact]
    public void Unstructured_only_keeps_the_conv_below_break_even_dense_and_keeps_its_quantization()
    {
        // FPGA unstructured break-even is 3x: conv1's 2x request is kept dense; the fc's 10x stays, raised to make up the nonzeros.
        var original = PolicyLoader.Parse(Policy);
        var policy = HardwareAwarePolicies.Adjust(original, Graph(), null, new FpgaTargetFactory().Create(null),
            new HardwareAwareOptions { AvailableConstraintKinds = ["unstructured"] }, out var plan);

        Assert.Equal(["conv*", "*"], original.Layers.Select(r => r.Match)); // the input policy is untouched

        Assert.Equal(["conv1.weight", "fc.weight"], policy.Layers.Select(r => r.Match));
        var conv = policy.Layers[0];
        Assert.Null(conv.Prune);
        Assert.Equal(3, conv.Quantize!.Bits);
        Assert.Equal(8, conv.Bias!.Bits); // the rewrite keeps every part of the rule but its sparsity
        Assert.Equal("layers[0]", conv.JsonPath);
        var fc = policy.Layers[1];
        Assert.Equal("layers[1]", fc.JsonPath);
        Assert.Equal("unstructured", fc.Prune!.Structure);
        // 250 extra nonzeros taken from the fc: 11,520 → 11,270 of 115,200.
        Assert.Equal(11_270.0 / 115_200, fc.Prune.Keep, 9);
        // The compressor hands Settings to the constraint kind: it must carry the adjusted keep, not the user's.
        Assert.Equal(fc.Prune.Keep, fc.Prune.Settings!.Value.GetProperty("keep").GetDouble(), 12);
        Assert.True(plan.For("conv1.weight")!.KeepDense);
    }

    [Fact]
    public void The_target_block_shape_replaces_unstructured_with_block_settings()
    {
        var policy = HardwareAwarePolicies.Adjust(PolicyLoader.Parse(Policy), Graph(), null, new FpgaTargetFactory().Create(null),
            new HardwareAwareOptions(), out _);

        var conv = policy.Layers[0].Prune!;
        Assert.Equal("block", conv.Structure);
        Assert.Equal(0.5, conv.Keep, 12);
        Assert.Equal(1, conv.Settings!.Value.GetProperty("rows").GetInt32());
        Assert.Equal(16, conv.Settings!.Value.GetProperty("cols").GetInt32());
    }

    [Theory]
    [InlineData(4.0, "filter", "block")]   // conv1 at 2x may lose whole filters; the fc at 10x gets the next (fine) shape
    [InlineData(20.0, "filter", "filter")] // a user who allows it gets filters everywhere
    [InlineData(1.0, "block", "block")]
    public void Coarse_preferred_shapes_replace_unstructured_only_up_to_max_coarse_ratio(double maxCoarse, string conv, string fc)
    {
        // The mobile GPU prefers filter, channel, block, n:m (in that order).
        var policy = HardwareAwarePolicies.Adjust(PolicyLoader.Parse(Policy), Graph(), null, new MobileGpuTargetFactory().Create(null),
            new HardwareAwareOptions { MaxCoarseRatio = maxCoarse }, out var plan);

        Assert.Equal(conv, plan.For("conv1.weight")!.ConstraintKind); // (a 2x block conv may then stay dense: break-even decides)
        Assert.Equal(fc, plan.For("fc.weight")!.ConstraintKind);
        Assert.Equal(fc, policy.Layers[1].Prune!.Structure);
        if (fc == "block") Assert.Contains("filter/channel only up to", plan.For("fc.weight")!.Reason);
    }
}
