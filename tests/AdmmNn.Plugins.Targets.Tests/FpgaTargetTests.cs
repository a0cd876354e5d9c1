using System.Text.Json;
using AdmmNn.Plugins.Fpga;

namespace AdmmNn.Plugins.Targets.Tests;

public class FpgaTargetTests
{
    private static FpgaTarget Default() => (FpgaTarget)new FpgaTargetFactory().Create(null);

    private static FpgaTarget With(string json) => (FpgaTarget)new FpgaTargetFactory().Create(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Float_weights_are_limited_by_pes_and_ternary_by_adders()
    {
        var t = Default();
        Assert.Equal(256, t.MacsPerCycle(32));  // min(256 PEs, 2520 DSPs / 4 per fp32 MAC = 630)
        Assert.Equal(256, t.MacsPerCycle(8));   // min(256, 2520 / 0.5)
        Assert.Equal(512, t.MacsPerCycle(2));   // 256 PEs × 2 additions, no DSPs
        Assert.Equal(126, With("""{"dspCount": 504}""").MacsPerCycle(32)); // 504 / 4
    }

    [Fact]
    public void Dense_fc1_is_compute_bound_with_weights_on_chip()
    {
        // 400,000 MACs / 256 per cycle = 1562.5 cycles at 200 MHz = 7.8125 µs; activations (800+500)·16 bits / 768 bits per cycle = 27 cycles.
        var cost = Default().EstimateDense(Layers.Fc1());
        Assert.Equal(7.8125e-6, cost.LatencySeconds, 12);
        Assert.Equal(12_800_000, cost.StorageBits);
        Assert.True(double.IsNaN(cost.EnergyJoules));
        Assert.Equal("compute-bound", cost.Notes);
    }

    [Fact]
    public void Sparse_fc1_pays_imbalance_and_decode()
    {
        // 40,000 nonzeros: 40,000 / 256 · 1.5 imbalance · (1 + 1 decode cycle) = 468.75 cycles = 2.34375 µs; storage 40,000 · (32 + 4).
        var cost = Default().EstimateSparse(Layers.Fc1().Pruned(40_000));
        Assert.Equal(2.34375e-6, cost.LatencySeconds, 12);
        Assert.Equal(1_440_000, cost.StorageBits);
        // Block: decode amortized over 16 weights, no imbalance: 156.25 · 1.0625 = 166.015625 cycles.
        var block = Default().EstimateSparse(Layers.Fc1().Pruned(40_000, "block"));
        Assert.Equal(166.015625 / 200e6, block.LatencySeconds, 12);
        Assert.Equal(40_000 * 32 + 40_000 / 16 * 4, block.StorageBits);
    }

    [Fact]
    public void Compute_bound_break_even_is_the_closed_form()
    {
        var t = Default();
        Assert.Equal(3.0, t.BreakEvenPruningRatio(Layers.Fc1()), 6);                   // 1.5 · (1 + 1)
        Assert.Equal(1.0625, t.BreakEvenPruningRatio(Layers.Fc1().Pruned(1, "block")), 6); // 1 · (1 + 1/16)
        Assert.Equal(1.0, t.BreakEvenPruningRatio(Layers.Fc1().Pruned(1, "filter")), 6);  // a smaller dense layer
        var custom = With("""{"unstructuredImbalance": 2, "indexDecodeCycles": 0.5}""");
        Assert.Equal(3.0, custom.BreakEvenPruningRatio(Layers.Conv1()), 6);              // 2 · 1.5
    }

    [Fact]
    public void Memory_bound_break_even_is_the_storage_ratio()
    {
        // No BRAM, 1.6 GB/s = 64 bits per cycle: weights stream every sample, so sparse wins once x·36 ≤ 32, ratio 36/32.
        var t = With("""{"bramKilobits": 0, "bandwidthGBps": 1.6}""");
        var dense = t.EstimateDense(Layers.Fc1());
        Assert.Equal((12_800_000 + 20_800) / 64.0 / 200e6, dense.LatencySeconds, 12);
        Assert.Contains("memory-bound", dense.Notes);
        Assert.Equal(1.125, t.BreakEvenPruningRatio(Layers.Fc1()), 6);
    }

    [Fact]
    public void Break_even_means_sparse_is_no_slower_there_and_slower_just_below()
    {
        var t = Default();
        var layer = Layers.Conv1();
        var ratio = t.BreakEvenPruningRatio(layer);
        var dense = t.EstimateDense(layer).LatencySeconds;
        Assert.True(t.EstimateSparse(layer.Pruned((long)Math.Floor(500 / ratio))).LatencySeconds <= dense);
        Assert.True(t.EstimateSparse(layer.Pruned((long)Math.Ceiling(500 / (ratio * 0.9)))).LatencySeconds > dense);
    }

    [Theory]
    [InlineData("""{"peCount": -3}""", "peCount")]
    [InlineData("""{"peCount": "many"}""", "peCount")]
    [InlineData("""{"peCnt": 3}""", "peCnt")]
    [InlineData("""{"unstructuredImbalance": 0.5}""", "unstructuredImbalance")]
    [InlineData("""{"clockMHz": 0}""", "clockMHz")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    public void Invalid_profiles_name_the_field(string json, string field)
    {
        var ex = Assert.Throws<ArgumentException>(() => With(json));
        Assert.Contains(field, ex.Message);
    }
}
