using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Constraints;
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

    [Theory]
    [InlineData("group")]
    [InlineData("layer")]
    public void A_pe_ternary_layer_kept_dense_keeps_its_ternary_levels_in_the_pe_geometry(string alpha)
    {
        // conv1 asks for every group (keep 1): below the FPGA break-even, so the layer is kept dense. A pe-ternary rule is
        // sparsity and levels in one set: the rewrite must keep the levels (as quantize rules keep theirs), not leave float32.
        var original = PolicyLoader.Parse($$"""
            {
              "layers": [
                { "match": "conv*", "prune": { "keep": 1.0, "structure": "pe-ternary", "alpha": "{{alpha}}", "cols": 8 }, "bias": { "bits": 8 } },
                { "match": "*", "prune": { "keep": 0.1, "structure": "pe-ternary", "alpha": "group" } }
              ]
            }
            """);
        var policy = HardwareAwarePolicies.Adjust(original, Graph(), null, new FpgaTargetFactory().Create(null), new HardwareAwareOptions(), out var plan);

        Assert.True(plan.For("conv1.weight")!.KeepDense);
        Assert.EndsWith("; keeps its pe-ternary levels (every group kept, quantization phase)", plan.For("conv1.weight")!.Reason);
        var conv = policy.Layers[0];
        Assert.Null(conv.Prune);
        Assert.Equal(8, conv.Bias!.Bits);
        var levels = Assert.IsType<ConstraintRule>(conv.Constraint);
        Assert.Equal("pe-ternary", levels.Kind);
        Assert.Equal("quantize", levels.Phase);
        var settings = levels.Settings!.Value;
        Assert.Equal(1.0, settings.GetProperty("keep").GetDouble());
        Assert.Equal(alpha, settings.GetProperty("alpha").GetString());
        Assert.Equal(8, settings.GetProperty("cols").GetInt32()); // the rule's own geometry carries over
        Assert.Null(policy.Layers[1].Constraint); // a pruned pe-ternary layer keeps its prune rule only
        Assert.Equal("pe-ternary", policy.Layers[1].Prune!.Structure);

        // The kept constraint ternarizes every 1x8 group of conv1 (20 rows x 25 fan-in) and keeps all of them.
        var layout = new WeightLayout("conv1.weight", "Conv", [20, 1, 5, 5]);
        var projection = new ConstraintKindRegistry().Find(levels.Kind)!.Create(layout, settings);
        var random = new Random(5);
        var w = Enumerable.Range(0, 500).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var z = new float[500];
        projection.Project(w, z);
        var magnitudes = new HashSet<float>();
        for (var row = 0; row < 20; row++)
        {
            for (var start = 0; start < 25; start += 8)
            {
                var group = z.AsSpan(row * 25 + start, Math.Min(8, 25 - start)).ToArray();
                var nonzero = group.Where(v => v != 0).Select(MathF.Abs).Distinct().ToList();
                if (alpha == "group") Assert.NotEmpty(nonzero); // every group kept (its largest weight is at least a_g)
                if (nonzero.Count == 0) continue;
                Assert.Single(nonzero); // ternary inside the group: one magnitude
                magnitudes.Add(nonzero[0]);
            }
        }
        if (alpha == "layer") Assert.Single(magnitudes);
        else Assert.True(magnitudes.Count > 1, "one a per group");
    }
}
