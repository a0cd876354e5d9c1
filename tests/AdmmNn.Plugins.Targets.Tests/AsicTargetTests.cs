using System.Text.Json;
using AdmmNn.Plugins.Asic;

namespace AdmmNn.Plugins.Targets.Tests;

public class AsicTargetTests
{
    private static AsicTarget Default() => (AsicTarget)new AsicTargetFactory().Create(null);

    private static AsicTarget With(string json) => (AsicTarget)new AsicTargetFactory().Create(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Mac_energy_follows_horowitz_by_bit_width()
    {
        var t = Default();
        Assert.Equal(4.6, t.MacEnergyPj(32), 9);  // fp32 mult 3.7 + add 0.9
        Assert.Equal(1.5, t.MacEnergyPj(16), 9);  // fp16 1.1 + 0.4
        Assert.Equal(0.23, t.MacEnergyPj(8), 9);  // int8 0.2 + 0.03
        Assert.Equal(0.23, t.MacEnergyPj(4), 9);  // narrowest entry ≥ 4 bits is the 8-bit one
        Assert.Equal(0.03, t.MacEnergyPj(2), 9);  // ternary: the multiply is a sign selection
    }

    [Fact]
    public void Dense_conv1_energy_and_latency_by_hand()
    {
        // MACs 288,000 · 4.6 pJ = 1,324,800; weights 16,000 bits in sram-8KB: 250 reads · 10 pJ = 2,500;
        // activations (784 + 11,520) · 16 = 196,864 bits in sram-32KB: 3,076 reads · 20 pJ = 61,520. Total 1,388,820 pJ.
        // Cycles max(288,000 / 256 = 1125, 16,000 / 512, 196,864 / 512 = 384.5) = 1125 at 800 MHz.
        var cost = Default().EstimateDense(Layers.Conv1());
        Assert.Equal(1_388_820e-12, cost.EnergyJoules, 15);
        Assert.Equal(1125 / 800e6, cost.LatencySeconds, 15);
        Assert.Equal(16_000, cost.StorageBits);
        Assert.Contains("weights in sram-8KB", cost.Notes);
    }

    [Fact]
    public void Sparse_conv1_energy_and_latency_by_hand()
    {
        // 100 nonzeros (x = 0.2): MACs 57,600 · 4.6 = 264,960; storage 100 · 36 = 3,600 bits: 56.25 reads · 10 = 562.5;
        // activations 61,520; 100 index decodes · 0.03 = 3. Total 327,045.5 pJ.
        // Compute 57,600 / 256 · 1.2 · 1.2 = 324 cycles < activations 384.5 cycles.
        var cost = Default().EstimateSparse(Layers.Conv1().Pruned(100));
        Assert.Equal(327_045.5e-12, cost.EnergyJoules, 15);
        Assert.Equal(384.5 / 800e6, cost.LatencySeconds, 15);
        Assert.Equal(3_600, cost.StorageBits);
        Assert.StartsWith("activation-bound", cost.Notes);
    }

    [Fact]
    public void Fc1_weights_spill_to_dram()
    {
        // 12.8 Mbit > 1 MB: 200,000 DRAM reads · 1950 pJ dominate; latency = 12.8e6 / 128 bits per cycle.
        var cost = Default().EstimateDense(Layers.Fc1());
        Assert.Equal((400_000 * 4.6 + 200_000 * 1950 + 325 * 10) * 1e-12, cost.EnergyJoules, 12);
        Assert.Equal(100_000 / 800e6, cost.LatencySeconds, 15);
        Assert.Contains("dram", cost.Notes);
    }

    [Fact]
    public void Break_evens_latency_closed_form_and_energy()
    {
        var t = Default();
        Assert.Equal(1.44, t.BreakEvenPruningRatio(Layers.Conv1()), 6); // compute-bound: 1.2 · (1 + 0.2)
        // Energy: x · (1,324,800 + 2,812.5 + 15) + 61,520 ≤ 1,388,820  ⇒  x = 1,327,300 / 1,327,627.5.
        Assert.Equal(1_327_627.5 / 1_327_300, t.EnergyBreakEvenRatio(Layers.Conv1()), 9);
        // fc1: DRAM-bound; sparse weights must fit the stream: x · 36 ≤ 32 while still in DRAM, ratio 1.125.
        Assert.Equal(1.125, t.BreakEvenPruningRatio(Layers.Fc1()), 6);
    }

    [Fact]
    public void Storage_area_uses_the_per_bit_figure()
    {
        Assert.Equal(16_000 * 0.6 / 1e6, Default().StorageAreaMm2(16_000), 12);
    }

    [Theory]
    [InlineData("""{"memoryLevels": [{"name": "a", "capacityKilobytes": 8, "energyPer64BitPj": 1, "bitsPerCycle": 0}, {"name": "b", "capacityKilobytes": 0, "energyPer64BitPj": 1, "bitsPerCycle": 1}]}""", "memoryLevels[0].bitsPerCycle")]
    [InlineData("""{"memoryLevels": [{"name": "a", "capacityKilobytes": 8, "energyPer64BitPj": 1, "bitsPerCycle": 8}]}""", "memoryLevels[0].capacityKilobytes")]
    [InlineData("""{"operationEnergy": [{"bits": 8, "multiplyPj": 1, "addPj": 1}]}""", "operationEnergy")]
    [InlineData("""{"operationEnergy": [{"bits": 32, "multiplyPj": -1, "addPj": 1}]}""", "operationEnergy[0].multiplyPj")]
    [InlineData("""{"macUnits": 0}""", "macUnits")]
    public void Invalid_profiles_name_the_field(string json, string field)
    {
        var ex = Assert.Throws<ArgumentException>(() => With(json));
        Assert.Contains($"'{field}'", ex.Message);
    }
}
