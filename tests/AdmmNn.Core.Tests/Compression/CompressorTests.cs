using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Compression;
using AdmmNn.Core.Policy;
using AdmmNn.Tensors.Models;
using AdmmNn.TestUtilities;

namespace AdmmNn.Core.Tests.Compression;

/// <summary>
/// End-to-end runs on LeNet-5 with a few batches of real Fashion-MNIST: the constraints hold exactly in the output,
/// the accounting adds up, and a killed run resumed from its checkpoint ends with bit-identical weights.
/// </summary>
public sealed class CompressorTests
{
    private const string TinyPolicy = """
        {
          "seed": 3,
          "deterministic": true,
          "data": { "trainSamples": 384, "testSamples": 96 },
          "layers": [
            { "match": "conv1.weight", "prune": { "keep": 0.5 }, "quantize": { "bits": 3 } },
            { "match": "conv2.weight", "prune": { "keep": 0.2, "structure": "filter" }, "quantize": { "levels": "ternary" } },
            { "match": "fc1.weight", "prune": { "ratio": 50 }, "quantize": { "bits": 2 } },
            { "match": "fc2.weight", "quantize": { "bits": 3, "levels": "pow2" } }
          ],
          "schedule": { "batchSize": 32, "maxBatchesPerEpoch": 6, "admmInterval": 3, "monitorSamples": 32, "magnitudeRounds": 2,
            "admmPrune": { "epochs": 1 }, "retrain": { "epochs": 1 }, "admmQuantize": { "epochs": 1 }, "finetune": { "epochs": 0.5 } },
          "gates": { "maxAccuracyDrop": 1.0 }
        }
        """;

    /// <summary>The uninterrupted ADMM run, shared by the tests that inspect it (each run costs seconds).</summary>
    private static readonly Lazy<CompressionOutcome> Straight = new(() => Run(PolicyLoader.Parse(TinyPolicy), new CompressionOptions()));

    private static CompressionOutcome Run(CompressionPolicy policy, CompressionOptions options, CancellationToken ct = default) =>
        new Compressor(policy).Run(ModelZoo.Create("lenet5", 11), TestData.FashionMnistTrainSample(384), TestData.FashionMnistTestSample(96), options, ct);

    private static float[] Weights(ModelGraph g, string name) => g.Initializer(name)!.Floats!;

    private static int NonZeros(float[] w) => w.Count(v => v != 0);

    private static int DistinctMagnitudes(float[] w) => w.Where(v => v != 0).Select(Math.Abs).Distinct().Count();

    [Fact]
    public void Admm_output_satisfies_every_constraint_exactly_and_the_accounting_adds_up()
    {
        var outcome = Straight.Value;
        var g = outcome.Model;
        var r = outcome.Result;

        Assert.True(NonZeros(Weights(g, "conv1.weight")) <= 250);
        Assert.True(DistinctMagnitudes(Weights(g, "conv1.weight")) <= 3); // 3-bit: ±1..3 × s
        var conv2 = Weights(g, "conv2.weight");
        var liveFilters = Enumerable.Range(0, 50).Count(f => conv2.AsSpan(f * 500, 500).ToArray().Any(v => v != 0));
        Assert.True(liveFilters <= 10, $"{liveFilters} filters alive, 10 allowed");
        Assert.True(DistinctMagnitudes(conv2) <= 1); // ternary
        Assert.True(NonZeros(Weights(g, "fc1.weight")) <= 8000);
        Assert.True(DistinctMagnitudes(Weights(g, "fc1.weight")) <= 1); // 2-bit uniform = {-s,0,s}
        var fc2 = Weights(g, "fc2.weight");
        var top = fc2.Max(Math.Abs);
        Assert.All(fc2.Where(v => v != 0), v => Assert.Contains(Math.Abs(v), new[] { top, top / 2, top / 4 }));

        Assert.Equal(r.Layers.Where(l => l.Role == "Weight").Sum(l => l.NonZeros), r.NonZeroWeights);
        Assert.Equal(430_500, r.DenseWeights);
        Assert.Equal(r.Layers.Sum(l => l.TotalBits), r.TotalBits);
        Assert.Equal(32.0 * r.DenseParameters / r.TotalBits, r.StorageRatio, 9);
        Assert.Equal((double)r.DenseWeights / r.NonZeroWeights, r.PruningRatio, 9);
        Assert.Equal(2_293_000, r.MacsBefore);
        Assert.True(r.MacsAfter < r.MacsBefore);

        var admm = r.Iterations.Where(i => i.Phase.StartsWith("admm", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, admm.Count); // 6 batches / K=3, two ADMM phases
        Assert.All(admm, i => Assert.True(i.PrimalResidual >= 0 && i.DualResidual >= 0 && i.Layers.Count > 0));
        Assert.Equal(["admm-prune", "retrain", "admm-quantize", "finetune"], r.Phases.Select(p => p.Name));
        Assert.True(r.Passed);

        var json = ResultJson.Serialize(r);
        var back = ResultJson.Deserialize(json);
        Assert.Equal(r.StorageRatio, back.StorageRatio);
        Assert.Equal(r.Layers.Count, back.Layers.Count);
        Assert.Contains("\"storageRatio\"", json);
    }

    [Fact]
    public void Pe_wise_ternary_with_penalty_clipping_holds_exactly_in_the_output()
    {
        var policy = PolicyLoader.Parse(TinyPolicy
            .Replace("""{ "keep": 0.2, "structure": "filter" }, "quantize": { "levels": "ternary" }""", """{ "keep": 0.1, "structure": "pe-ternary", "rows": 1, "cols": 16 }""")
            .Replace("\"admmInterval\": 3,", "\"admmInterval\": 3, \"penaltyClipping\": 0.5,"));
        Assert.Equal("pe-ternary", policy.Layers[1].Prune!.Structure);
        Assert.Equal(0.5, policy.Schedule.PenaltyClipping);
        var outcome = Run(policy, new CompressionOptions());
        var conv2 = Weights(outcome.Model, "conv2.weight"); // GEMM view 50 x 500: 50 x 32 groups of 1x16 (the last 1x4)
        var groups = conv2.Select((v, i) => (v, i)).Where(t => t.v != 0).Select(t => t.i / 500 * 32 + t.i % 500 / 16).Distinct().Count();
        Assert.InRange(groups, 1, 160);
        Assert.Equal(1, DistinctMagnitudes(conv2)); // one a for the layer
        var layer = outcome.Result.Layers.Single(l => l.Name == "conv2.weight");
        Assert.Contains("PE-wise 1x16", layer.Constraint);
    }

    [Fact]
    public void Each_admm_phase_follows_its_own_rho_schedule_and_a_layer_rule_overrides_both()
    {
        var policy = PolicyLoader.Parse(TinyPolicy
            .Replace("\"admmPrune\": { \"epochs\": 1 }", "\"rho\": { \"initial\": 0.001, \"multiplier\": 2, \"max\": 1 }, \"admmPrune\": { \"epochs\": 1, \"rho\": { \"multiplier\": 1.5 } }")
            .Replace("\"admmQuantize\": { \"epochs\": 1 }", "\"admmQuantize\": { \"epochs\": 1, \"rho\": { \"initial\": 0.04, \"multiplier\": 1, \"max\": 0.04 } }")
            .Replace("\"quantize\": { \"bits\": 3, \"levels\": \"pow2\" }", "\"quantize\": { \"bits\": 3, \"levels\": \"pow2\" }, \"rho\": { \"initial\": 0.3, \"multiplier\": 1 }"));
        Assert.Equal(1.5, policy.Schedule.AdmmPrune.Rho!.Multiplier);
        var iterations = Run(policy, new CompressionOptions()).Result.Iterations;

        var prune = iterations.Where(i => i.Phase == "admm-prune").ToList();
        var quantize = iterations.Where(i => i.Phase == "admm-quantize").ToList();
        Assert.True(prune.Count >= 2 && quantize.Count >= 1, $"{prune.Count} pruning and {quantize.Count} quantization iterations");
        foreach (var i in prune)
            // ρ used in iteration k (0-based): 0.001·1.5^k, the phase's multiplier over the schedule's initial.
            Assert.Equal(0.001 * Math.Pow(1.5, i.PhaseIteration - 1), i.Layers.Single(l => l.Name == "fc1.weight").Rho, 12);
        foreach (var i in quantize)
        {
            Assert.Equal(0.04, i.Layers.Single(l => l.Name == "fc1.weight").Rho, 12);
            Assert.Equal(0.3, i.Layers.Single(l => l.Name == "fc2.weight").Rho, 12); // the rule's own rho wins
        }
    }

    [Fact]
    public void Magnitude_baseline_reaches_the_same_sparsity()
    {
        var r = Run(PolicyLoader.Parse(TinyPolicy), new CompressionOptions { Method = CompressionMethod.Magnitude });
        Assert.Equal("magnitude", r.Result.Method);
        Assert.True(NonZeros(Weights(r.Model, "fc1.weight")) <= 8000);
        Assert.True(NonZeros(Weights(r.Model, "conv1.weight")) <= 250);
        Assert.Equal(["magnitude-prune-1", "magnitude-prune-2", "quantize-finetune"], r.Result.Phases.Select(p => p.Name));
    }

    [Fact]
    public void A_killed_run_resumed_from_its_checkpoint_ends_with_identical_weights()
    {
        var policy = PolicyLoader.Parse(TinyPolicy);
        using var temp = new TempDirectory();
        var straight = Straight.Value;

        var dir = temp.Combine("ckpt");
        using var cts = new CancellationTokenSource();
        var reports = 0;
        var killed = new CompressionOptions
        {
            CheckpointDirectory = dir,
            Progress = new Sync(p => { if (p.Iteration > 0 && ++reports == 4) cts.Cancel(); }), // mid-way through retraining
        };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(policy, killed, cts.Token));
        Assert.True(File.Exists(Path.Combine(dir, "compress.ckpt")));

        var resumed = Run(policy, new CompressionOptions { CheckpointDirectory = dir, Resume = true });
        Assert.True(resumed.Result.Resumed);
        foreach (var init in straight.Model.Initializers.Where(i => i.Floats is not null))
            Assert.True(init.Floats!.SequenceEqual(resumed.Model.Initializer(init.Name)!.Floats!), $"{init.Name} differs after resume");
        Assert.Equal(straight.Result.Iterations.Count, resumed.Result.Iterations.Count);
        Assert.Equal(straight.Result.FinalAccuracy, resumed.Result.FinalAccuracy);
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_of_another_policy()
    {
        using var temp = new TempDirectory();
        var dir = temp.Combine("ckpt");
        using var cts = new CancellationTokenSource();
        var options = new CompressionOptions { CheckpointDirectory = dir, Progress = new Sync(p => { if (p.Iteration > 0) cts.Cancel(); }) };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(PolicyLoader.Parse(TinyPolicy), options, cts.Token));
        var other = PolicyLoader.Parse(TinyPolicy.Replace("\"seed\": 3", "\"seed\": 4"));
        var ex = Assert.Throws<PolicyException>(() => Run(other, new CompressionOptions { CheckpointDirectory = dir, Resume = true }));
        Assert.Contains("does not match the checkpoint", ex.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Resume_on_other_engine_settings_is_refused_only_in_deterministic_mode(bool deterministic)
    {
        var policy = PolicyLoader.Parse(TinyPolicy.Replace("\"deterministic\": true", $"\"deterministic\": {(deterministic ? "true" : "false")}"));
        using var temp = new TempDirectory();
        var dir = temp.Combine("ckpt");
        using var cts = new CancellationTokenSource();
        var options = new CompressionOptions { CheckpointDirectory = dir, Progress = new Sync(p => { if (p.Iteration > 0) cts.Cancel(); }) };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(policy, options, cts.Token));
        var checkpoint = Checkpoint.Load(dir);
        Assert.Contains("engine threads", checkpoint.Arithmetic);
        checkpoint.Arithmetic = "GEMM OpenBlas on 64 threads, 64 engine threads"; // as if written on another machine
        checkpoint.Save(dir);

        var messages = new List<string>();
        var resume = new CompressionOptions { CheckpointDirectory = dir, Resume = true, Progress = new Sync(p => messages.Add(p.Message)) };
        if (deterministic)
        {
            var ex = Assert.Throws<PolicyException>(() => Run(policy, resume));
            Assert.Contains("deterministic is true but the checkpoint", ex.Message);
            Assert.Contains("64 engine threads", ex.Message);
        }
        else
        {
            Assert.True(Run(policy, resume).Result.Resumed);
            Assert.Contains(messages, m => m.StartsWith("warning: the checkpoint", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_rule_that_matches_no_weight_is_an_error_naming_its_line()
    {
        var policy = PolicyLoader.Parse("""
            {
              "layers": [
                { "match": "fc1.weight", "prune": { "keep": 0.1 } },
                { "match": "fc9.*", "prune": { "keep": 0.1 } }
              ]
            }
            """);
        var ex = Assert.Throws<PolicyException>(() => Run(policy, new CompressionOptions()));
        Assert.StartsWith("policy.json:4: layers[1].match 'fc9.*' matches no weight", ex.Message);
    }

    [Fact]
    public void Block_settings_that_do_not_fit_the_layer_point_at_the_field()
    {
        var policy = PolicyLoader.Parse("""
            {
              "layers": [
                { "match": "fc2.weight", "prune": { "keep": 0.1, "structure": "block", "rows": 20, "cols": 4 } }
              ]
            }
            """);
        var ex = Assert.Throws<PolicyException>(() => Run(policy, new CompressionOptions()));
        Assert.StartsWith("policy.json:3: layers[0].prune.rows must be in [1,10], got 20 (layer fc2.weight", ex.Message);
    }

    /// <summary>TinyPolicy with distillation from the input model, cosine-decayed phases and 4-bit biases on fc1.</summary>
    private static string TrainingPolicy(double distillationWeight) => TinyPolicy
        .Replace("\"schedule\": {", $"\"schedule\": {{ \"distillation\": {{ \"weight\": {distillationWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)}, \"temperature\": 3 }},")
        .Replace("\"retrain\": { \"epochs\": 1 }", "\"retrain\": { \"epochs\": 1, \"learningRate\": 0.001, \"decay\": \"cosine\", \"finalLearningRate\": 0 }")
        .Replace("\"prune\": { \"ratio\": 50 }, \"quantize\": { \"bits\": 2 }", "\"prune\": { \"ratio\": 50 }, \"quantize\": { \"bits\": 2 }, \"bias\": { \"bits\": 4 }");

    [Fact]
    public void Distillation_weight_zero_reproduces_labels_only_training_and_a_positive_weight_changes_it()
    {
        var plain = Straight.Value.Model;
        var zero = PolicyLoader.Parse(TinyPolicy.Replace("\"schedule\": {", "\"schedule\": { \"distillation\": { \"weight\": 0 },"));
        Assert.NotNull(zero.Schedule.Distillation);
        var same = Run(zero, new CompressionOptions()).Model;
        Assert.Equal(Weights(plain, "fc1.weight"), Weights(same, "fc1.weight"));
        var kd = Run(PolicyLoader.Parse(TinyPolicy.Replace("\"schedule\": {", "\"schedule\": { \"distillation\": { \"weight\": 0.7 },")), new CompressionOptions()).Model;
        Assert.NotEqual(Weights(plain, "fc1.weight"), Weights(kd, "fc1.weight"));
    }

    [Fact]
    public void Bias_levels_hold_in_the_output_are_counted_and_survive_a_resume()
    {
        var policy = PolicyLoader.Parse(TrainingPolicy(0.5));
        Assert.NotNull(policy.Layers[2].Bias);
        var straight = Run(policy, new CompressionOptions());

        var bias = Weights(straight.Model, "fc1.bias");
        Assert.True(bias.Select(Math.Abs).Distinct().Count() <= 8, "4-bit symmetric levels: at most 8 magnitudes (0..7 steps)");
        var row = straight.Result.Layers.Single(l => l.Name == "fc1.bias");
        Assert.Equal(4, row.Bits);
        Assert.Equal(32, row.CodebookBits); // every value is scale × integer: one float of scale, no codebook
        Assert.Contains("4-bit", row.Constraint);
        Assert.Equal(32 * Weights(straight.Model, "fc2.bias").Length, straight.Result.Layers.Single(l => l.Name == "fc2.bias").TotalBits);

        using var temp = new TempDirectory();
        var dir = temp.Combine("ckpt");
        using var cts = new CancellationTokenSource();
        var reports = 0;
        var killed = new CompressionOptions
        {
            CheckpointDirectory = dir,
            Progress = new Sync(p => { if (p.Iteration > 0 && ++reports == 4) cts.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(policy, killed, cts.Token));
        var resumed = Run(policy, new CompressionOptions { CheckpointDirectory = dir, Resume = true });
        foreach (var init in straight.Model.Initializers.Where(i => i.Floats is not null))
            Assert.True(init.Floats!.SequenceEqual(resumed.Model.Initializer(init.Name)!.Floats!), $"{init.Name} differs after resume");
    }

    private sealed class Sync(Action<CompressionProgress> action) : IProgress<CompressionProgress>
    {
        public void Report(CompressionProgress value) => action(value);
    }
}
