using AdmmNn.Abstractions.Hardware;
using AdmmNn.Plugins.HostCpu;
using AdmmNn.TestUtilities;

namespace AdmmNn.Plugins.Targets.Tests;

public class HostCpuTargetTests
{
    /// <summary>A deterministic stand-in: dense takes 1 ms; sparse takes <c>slope</c> ms at full density, linear in nonzeros.</summary>
    private sealed class FakeTimer(double slope, double fixedSparse = 0) : IKernelTimer
    {
        public int DenseCalls;
        public int SparseCalls;

        public string Fingerprint => "fake";

        public double Dense(LayerWorkload layer, int repetitions)
        {
            DenseCalls++;
            return 1e-3;
        }

        public double Sparse(LayerWorkload layer, long nonZeros, string structure, int repetitions, int seed)
        {
            SparseCalls++;
            return fixedSparse + 1e-3 * slope * nonZeros / layer.Weights;
        }
    }

    private static HostCpuTarget Target(IKernelTimer timer, TimingCache? cache = null, HostCpuProfile? profile = null) =>
        new(profile ?? new HostCpuProfile { WarmupMilliseconds = 0 }, timer, cache ?? TimingCache.InMemory());

    [Fact]
    public void Search_brackets_the_true_break_even_from_above()
    {
        // Sparse is 4× dense at full density, so it matches dense at ratio 4 exactly.
        var ratio = Target(new FakeTimer(4)).BreakEvenPruningRatio(Layers.Fc1());
        Assert.InRange(ratio, 4.0, 4.0 * Math.Exp(Math.Log(256) / 256) * 1.0001); // 8 halvings of log(256)
    }

    [Fact]
    public void More_steps_give_a_tighter_answer()
    {
        var ratio = Target(new FakeTimer(4), profile: new HostCpuProfile { SearchSteps = 20, WarmupMilliseconds = 0 }).BreakEvenPruningRatio(Layers.Fc1());
        Assert.InRange(ratio, 4.0, 4.0 * 1.0001);
    }

    [Fact]
    public void Sparse_that_always_wins_or_never_wins()
    {
        Assert.Equal(1.0, Target(new FakeTimer(0.5)).BreakEvenPruningRatio(Layers.Fc1()));
        Assert.Equal(double.PositiveInfinity, Target(new FakeTimer(4, fixedSparse: 2e-3)).BreakEvenPruningRatio(Layers.Fc1()));
    }

    [Fact]
    public void Measurements_are_cached_in_memory_and_on_disk()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("timings.json");
        var first = new FakeTimer(4);
        var ratio = Target(first, TimingCache.OpenFile(path)).BreakEvenPruningRatio(Layers.Fc1());
        Assert.InRange(first.SparseCalls, 3 * 3, 3 * 10); // 3 rounds × (2 end points + up to 8 bisection steps)
        Assert.Equal(first.SparseCalls + 3, first.DenseCalls); // one dense beside each sparse, plus the first dense estimate
        Assert.True(File.Exists(path));

        var second = new FakeTimer(100); // a different answer if it measured again
        var again = Target(second, TimingCache.OpenFile(path));
        Assert.Equal(ratio, again.BreakEvenPruningRatio(Layers.Fc1()));
        Assert.Equal(1e-3, again.EstimateDense(Layers.Fc1()).LatencySeconds);
        Assert.Equal(0, second.DenseCalls + second.SparseCalls);

        // Another layer shape is measured afresh.
        again.BreakEvenPruningRatio(Layers.Conv1());
        Assert.True(second.DenseCalls > 0);
    }

    [Fact]
    public void A_corrupt_cache_file_is_ignored()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("timings.json", "{ not json");
        var timer = new FakeTimer(4);
        Assert.InRange(Target(timer, TimingCache.OpenFile(path)).BreakEvenPruningRatio(Layers.Fc1()), 4.0, 4.2);
        Assert.True(timer.DenseCalls > 0);
    }

    [Fact]
    public void Each_side_keeps_its_fastest_round_so_load_spikes_do_not_decide()
    {
        // Every other dense measurement is hit by a 10x load spike; the true answer (4) must still come out.
        var timer = new SpikyTimer();
        var ratio = Target(timer, profile: new HostCpuProfile { Rounds = 2, WarmupMilliseconds = 0 }).BreakEvenPruningRatio(Layers.Fc1());
        Assert.InRange(ratio, 4.0, 4.1);
    }

    private sealed class SpikyTimer : IKernelTimer
    {
        private int denseCalls;
        private int sparseCalls;

        public string Fingerprint => "spiky";

        // Dense is spiked on its 1st, 3rd, ... call; sparse on its 2nd, 4th, ...: each pair of rounds has one clean value per side.
        public double Dense(LayerWorkload layer, int repetitions) => ++denseCalls % 2 == 1 ? 1e-2 : 1e-3;

        public double Sparse(LayerWorkload layer, long nonZeros, string structure, int repetitions, int seed) =>
            (++sparseCalls % 2 == 0 ? 10 : 1) * 4e-3 * nonZeros / layer.Weights;
    }

    [Fact]
    public void Sparse_estimate_is_measured_at_the_layer_nonzeros()
    {
        var cost = Target(new FakeTimer(4)).EstimateSparse(Layers.Fc1().Pruned(40_000));
        Assert.Equal(4e-3 * 0.1, cost.LatencySeconds, 12);
        Assert.Equal(40_000 * (32 + 8), cost.StorageBits);
        Assert.True(double.IsNaN(cost.EnergyJoules));
    }

    [Theory]
    [InlineData("""{"repetitions": 0}""", "repetitions")]
    [InlineData("""{"maxRatio": 1}""", "maxRatio")]
    [InlineData("""{"rounds": 0}""", "rounds")]
    [InlineData("""{"warmupMilliseconds": -1}""", "warmupMilliseconds")]
    [InlineData("""{"useCache": "yes"}""", "useCache")]
    public void Invalid_profiles_name_the_field(string json, string field)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new HostCpuTargetFactory().Create(System.Text.Json.JsonDocument.Parse(json).RootElement));
        Assert.Contains($"'{field}'", ex.Message);
    }
}

public class HostCpuRuntimeTimingTests
{
    [Fact]
    public void The_real_target_times_the_runtime_kernels()
    {
        // Few repetitions: this checks the wiring to the runtime, not the figures (those are in the benchmark report).
        var profile = System.Text.Json.JsonDocument.Parse("""{ "repetitions": 3, "rounds": 1, "searchSteps": 2, "useCache": false, "warmupMilliseconds": 100 }""").RootElement;
        var target = new HostCpuTargetFactory().Create(profile);
        var layer = new LayerWorkload("fc", "Gemm", [200, 400], [400], [200], 80_000, 80_000, 80_000, 32, 0, "dense");

        var dense = target.EstimateDense(layer).LatencySeconds;
        // A preempted measurement only ever reads long, so the least of a few stands for the kernel on a busy machine
        // (one reading of 8 nonzeros once came out slower than 80,000 at load 15).
        var nearlyEmpty = Enumerable.Range(0, 5).Min(_ => target.EstimateSparse(layer.Pruned(8)).LatencySeconds);
        var full = target.EstimateSparse(layer.Pruned(80_000)).LatencySeconds;
        Assert.InRange(dense, 1e-8, 1.0);
        Assert.True(nearlyEmpty < full, $"8 nonzeros took {nearlyEmpty:E2} s, 80,000 took {full:E2} s");
        Assert.InRange(target.BreakEvenPruningRatio(layer), 1.0, double.PositiveInfinity);
    }
}
