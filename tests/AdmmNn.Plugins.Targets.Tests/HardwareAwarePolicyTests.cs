using AdmmNn.Abstractions.Hardware;
using AdmmNn.Core.Hardware;
using AdmmNn.Plugins.Fpga;

namespace AdmmNn.Plugins.Targets.Tests;

public class HardwareAwarePolicyTests
{
    // FPGA defaults: unstructured break-even 1.5 · (1 + 1) = 3, block 1 · (1 + 1/16) = 1.0625 (see FpgaTargetTests).
    private static readonly IHardwareTarget Fpga = new FpgaTargetFactory().Create(null);

    private static readonly LayerWorkload Conv2 =
        new("conv2.weight", "Conv", [50, 20, 5, 5], [20, 12, 12], [50, 8, 8], 1_600_000, 25_000, 25_000, 32, 0, "dense");

    private static readonly HardwareAwareOptions Plain = new() { PreferTargetConstraints = false, PreserveOverallRatio = false };

    [Fact]
    public void Layers_below_break_even_stay_dense_and_the_rest_keep_their_ratio()
    {
        var plan = HardwareAwarePolicy.Apply(Fpga, [Layers.Conv1(), Layers.Fc1()],
            new Dictionary<string, double> { ["conv1.weight"] = 2, ["fc1.weight"] = 10 }, Plain);

        var conv = plan.For("conv1.weight")!;
        Assert.True(conv.KeepDense);
        Assert.Equal(3.0, conv.BreakEvenRatio, 6);
        Assert.Contains("kept dense", conv.Reason);
        Assert.Equal(10, plan.For("fc1.weight")!.AdjustedRatio);
        Assert.Equal("unstructured", conv.ConstraintKind);
    }

    [Fact]
    public void Raise_puts_the_layer_past_break_even_by_the_margin()
    {
        var plan = HardwareAwarePolicy.Apply(Fpga, [Layers.Conv1()], new Dictionary<string, double> { ["conv1.weight"] = 2 },
            Plain with { BelowBreakEven = BelowBreakEvenAction.RaiseAboveBreakEven, Margin = 1.1 });
        Assert.Equal(3.3, plan.Layers[0].AdjustedRatio, 6);
        Assert.Contains("raised", plan.Layers[0].Reason);
    }

    [Fact]
    public void The_target_shape_is_preferred_when_the_compressor_has_it()
    {
        var requested = new Dictionary<string, double> { ["conv1.weight"] = 2 };
        var plan = HardwareAwarePolicy.Apply(Fpga, [Layers.Conv1()], requested, Plain with { PreferTargetConstraints = true });
        var d = plan.Layers[0];
        Assert.Equal("block", d.ConstraintKind);
        Assert.Equal("ternary", d.QuantizationHint);
        Assert.Equal(1.0625, d.BreakEvenRatio, 6);
        Assert.Equal(2, d.AdjustedRatio); // above the block break-even, so kept as asked

        var noBlock = HardwareAwarePolicy.Apply(Fpga, [Layers.Conv1()], requested,
            Plain with { PreferTargetConstraints = true, AvailableConstraintKinds = ["unstructured", "ternary"] });
        Assert.Equal("unstructured", noBlock.Layers[0].ConstraintKind);
        Assert.True(noBlock.Layers[0].KeepDense);
    }

    [Theory]
    [InlineData(CompressionGoal.Computation, "conv2.weight", 25_000 / 2_250.0)]
    [InlineData(CompressionGoal.Storage, "fc1.weight", 400_000 / 39_750.0)]
    public void The_nonzeros_of_a_dense_layer_are_taken_from_others_in_goal_order(CompressionGoal goal, string raised, double expected)
    {
        // conv1 asked 2× (250 nonzeros) but stays dense (500): 250 nonzeros to take elsewhere.
        // Computation: conv2 first (most MACs among convs): 2,500 → 2,250. Storage: fc1 first (most weights): 40,000 → 39,750.
        var plan = HardwareAwarePolicy.Apply(Fpga, [Layers.Conv1(), Conv2, Layers.Fc1()],
            new Dictionary<string, double> { ["conv1.weight"] = 2, ["conv2.weight"] = 10, ["fc1.weight"] = 10 },
            new HardwareAwareOptions { PreferTargetConstraints = false, Goal = goal });

        Assert.Equal(expected, plan.For(raised)!.AdjustedRatio, 9);
        Assert.Equal(10, plan.Layers.Single(d => d.LayerName != raised && d.LayerName != "conv1.weight").AdjustedRatio);
        Assert.Equal(plan.RequestedOverallRatio, plan.AdjustedOverallRatio, 9);
    }

    [Fact]
    public void Unrequested_layers_stay_dense()
    {
        var plan = HardwareAwarePolicy.Apply(Fpga, [Layers.Conv1()], new Dictionary<string, double>(), new HardwareAwareOptions());
        Assert.True(plan.Layers[0].KeepDense);
        Assert.Equal("not pruned by the policy", plan.Layers[0].Reason.Split(';')[0]);
    }
}
