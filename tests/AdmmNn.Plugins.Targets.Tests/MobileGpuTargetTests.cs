using System.Text.Json;
using AdmmNn.Plugins.MobileGpu;

namespace AdmmNn.Plugins.Targets.Tests;

public class MobileGpuTargetTests
{
    private static MobileGpuTarget Default() => (MobileGpuTarget)new MobileGpuTargetFactory().Create(null);

    private static MobileGpuTarget With(string json) => (MobileGpuTarget)new MobileGpuTargetFactory().Create(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Dense_fc1_is_memory_bound()
    {
        // (12,800,000 + 20,800) bits / 8 / 25e9 B/s = 64.104 µs > 800,000 FLOP / 400e9 = 2 µs; plus 5 µs launch.
        var cost = Default().EstimateDense(Layers.Fc1());
        Assert.Equal(64.104e-6 + 5e-6, cost.LatencySeconds, 12);
        Assert.Equal("memory-bound", cost.Notes);
    }

    [Fact]
    public void Dense_conv1_is_compute_bound()
    {
        // 576,000 FLOP / 400e9 = 1.44 µs > (16,000 + 196,864) / 8 / 25e9 = 1.06432 µs.
        var cost = Default().EstimateDense(Layers.Conv1());
        Assert.Equal(1.44e-6 + 5e-6, cost.LatencySeconds, 12);
        Assert.Equal("compute-bound", cost.Notes);
    }

    [Fact]
    public void Sparse_runs_at_the_efficiency_factor()
    {
        // conv1 at 50 nonzeros: compute 576,000 · 0.1 / (400e9 · 0.15) = 0.96 µs; memory (50 · 48 + 196,864) / 8 / 25e9 = 0.99632 µs.
        var cost = Default().EstimateSparse(Layers.Conv1().Pruned(50));
        Assert.Equal(0.99632e-6 + 5e-6, cost.LatencySeconds, 12);
        Assert.Equal(2_400, cost.StorageBits);
    }

    [Fact]
    public void Break_even_closed_form_by_hand()
    {
        var t = Default();
        Assert.Equal(1.5, t.BreakEvenPruningRatio(Layers.Fc1()), 9);          // memory: 12.8e6 / (400,000 · 48)
        Assert.Equal(1 / 0.15, t.BreakEvenPruningRatio(Layers.Conv1()), 9);   // compute: 1 / sparseEfficiency
        Assert.Equal(2.0, t.BreakEvenPruningRatio(Layers.Conv1().Pruned(1, "block")), 9); // 1 / 0.5
        Assert.Equal(1.0, t.BreakEvenPruningRatio(Layers.Conv1().Pruned(1, "filter")), 9);
        Assert.Equal(10.0, With("""{"sparseEfficiency": 0.1}""").BreakEvenPruningRatio(Layers.Conv1()), 9);
    }

    [Fact]
    public void Closed_form_agrees_with_the_cost_model()
    {
        var t = Default();
        foreach (var layer in new[] { Layers.Conv1(), Layers.Fc1() })
        {
            var ratio = t.BreakEvenPruningRatio(layer);
            var dense = t.EstimateDense(layer).LatencySeconds;
            Assert.True(t.EstimateSparse(layer.Pruned((long)Math.Floor(layer.Weights / ratio))).LatencySeconds <= dense);
            Assert.True(t.EstimateSparse(layer.Pruned((long)Math.Ceiling(layer.Weights / ratio * 1.05))).LatencySeconds > dense);
        }
    }

    [Theory]
    [InlineData("""{"sparseEfficiency": 1.5}""", "sparseEfficiency")]
    [InlineData("""{"bandwidthGBps": -1}""", "bandwidthGBps")]
    [InlineData("""{"launchOverheadMicroseconds": "x"}""", "launchOverheadMicroseconds")]
    public void Invalid_profiles_name_the_field(string json, string field)
    {
        var ex = Assert.Throws<ArgumentException>(() => With(json));
        Assert.Contains($"'{field}'", ex.Message);
    }
}
