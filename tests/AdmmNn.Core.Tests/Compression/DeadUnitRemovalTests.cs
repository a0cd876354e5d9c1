using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Compression;
using AdmmNn.Core.Compression.DeadUnits;
using AdmmNn.Core.Policy;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.TestUtilities;

namespace AdmmNn.Core.Tests.Compression;

/// <summary>Dead-unit removal (<c>schedule.removeDeadUnits</c>): what it finds, that every entry it zeroes is dead
/// (perturbing it alone leaves the outputs unchanged), and that the compressor's output holds no dead unit.</summary>
public sealed class DeadUnitRemovalTests
{
    /// <summary>A small LeNet-5: conv1 (1→4, 5×5) → MaxPool → conv2 (4→6, 5×5) → MaxPool → Flatten → fc1 (96→12) → ReLU → fc2 (12→5).</summary>
    private static ModelGraph SmallLeNet()
    {
        var b = new SmallGraphBuilder("lenet", 7, [-1, 1, 28, 28]);
        var pool = new[] { NodeAttribute.Of("kernel_shape", 2L, 2), NodeAttribute.Of("strides", 2L, 2) };
        var x = b.Conv("conv1", "input", 1, 4, 5);
        x = b.Node("MaxPool", "pool1", [x], pool);
        x = b.Conv("conv2", x, 4, 6, 5);
        x = b.Node("MaxPool", "pool2", [x], pool);
        x = b.Node("Flatten", "flatten", [x], NodeAttribute.Of("axis", 1L));
        x = b.Linear("fc1", x, 96, 12);
        x = b.Node("Relu", "relu", [x]);
        x = b.Linear("fc2", x, 12, 5);
        return b.Build(x, "logits", [-1, 5]);
    }

    private static float[] W(ModelGraph g, string name) => g.Initializer(name)!.Floats!;

    private static ModelGraph Copy(ModelGraph g)
    {
        var copy = g.WithNodes(g.Nodes);
        foreach (var t in g.Initializers) copy.Initializers.Add(TensorData.FromFloats(t.Name, t.Dims, (float[])t.Floats!.Clone()));
        return copy;
    }

    [Fact]
    public void Links_follow_pooling_flatten_and_relu_with_the_flattened_span()
    {
        var links = UnitLinks.Find(SmallLeNet());

        Assert.Equal(["conv1.weight>conv2.weight", "conv2.weight>fc1.weight", "fc1.weight>fc2.weight"],
            links.Select(l => $"{l.ProducerWeight}>{l.ConsumerWeight}"));
        Assert.Equal([false, false, true], links.Select(l => l.ThroughRelu));
        var flat = links[1];
        Assert.Equal(6, flat.Units);
        Assert.Equal(25 * 4, flat.ProducerEntries[2].Length);
        Assert.Equal(Enumerable.Range(0, 12).SelectMany(n => Enumerable.Range(2 * 16, 16).Select(f => n * 96 + f)), flat.ConsumerEntries[2]);
        Assert.Equal(Enumerable.Range(0, 6).Select(o => (o * 4 + 3) * 25 + 7), links[0].ConsumerEntries[3].Where((_, i) => i % 25 == 7));
    }

    [Fact]
    public void A_branch_or_a_graph_output_ends_a_link()
    {
        var g = SmallLeNet();
        g.Outputs.Add(new ValueInfo("relu.out", ElementType.Float32, [-1, 12])); // fc1's activations are also an output
        Assert.DoesNotContain(UnitLinks.Find(g), l => l.ProducerWeight == "fc1.weight");
    }

    [Fact]
    public void Unused_and_zero_units_go_a_positive_constant_stays_and_every_zeroed_entry_is_dead()
    {
        var g = SmallLeNet();
        var (fc1, fc1b, fc2, conv1, conv1b, conv2, conv2b) = (W(g, "fc1.weight"), W(g, "fc1.bias"), W(g, "fc2.weight"), W(g, "conv1.weight"),
            W(g, "conv1.bias"), W(g, "conv2.weight"), W(g, "conv2.bias"));
        for (var n = 0; n < 5; n++) fc2[n * 12 + 3] = 0;              // fc1 unit 3 unused
        Array.Clear(fc1, 5 * 96, 96); fc1b[5] = -0.3f;                // fc1 unit 5 constant 0 after ReLU
        Array.Clear(fc1, 7 * 96, 96); fc1b[7] = 0.4f;                 // fc1 unit 7 constant 0.4: a bias for fc2, stays
        for (var n = 0; n < 12; n++)                                  // conv2 channel 4 read by fc1 row 3 only: unused once row 3 goes
            for (var f = 4 * 16; f < 5 * 16; f++) if (n != 3) fc1[n * 96 + f] = 0;
        Array.Clear(conv1, 1 * 25, 25); conv1b[1] = 0;                // conv1 filter 1 constant 0 (no ReLU): conv2's input channel 1 goes
        Array.Clear(conv1, 0, 25); conv1b[0] = -0.2f;                 // constant -0.2 without ReLU: stays
        var before = Copy(g);

        var report = DeadUnitRemoval.Apply(UnitLinks.Find(g), name => g.Initializer(name)?.Floats);

        Assert.Equal(2, report.UnusedUnits);                          // fc1 unit 3, then conv2 filter 4
        Assert.Equal(2, report.ZeroUnits);                            // fc1 unit 5, conv1 filter 1
        Assert.All(fc1.AsSpan(3 * 96, 96).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(conv2.AsSpan(4 * 100, 100).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal([0f, 0f, 0f], new[] { fc1b[3], fc1b[5], conv2b[4] });
        Assert.All(Enumerable.Range(0, 5), n => Assert.Equal(0f, fc2[n * 12 + 5]));
        Assert.Contains(Enumerable.Range(0, 5), n => fc2[n * 12 + 7] != 0);
        Assert.Equal(0.4f, fc1b[7]);
        Assert.Equal(-0.2f, conv1b[0]);
        Assert.Contains(Enumerable.Range(0, 6 * 25), i => conv2[(i / 25 * 4 + 0) * 25 + i % 25] != 0);
        Assert.All(Enumerable.Range(0, 6 * 25), i => Assert.Equal(0f, conv2[(i / 25 * 4 + 1) * 25 + i % 25]));
        PurifierTests.AssertSameOutputs(before, g);
        Assert.Equal(report.WeightsZeroed, report.Zeroed.Values.Sum(l => l.Count));

        // Brute force: each zeroed entry alone set to a large value changes no output; a live entry does.
        var random = new Random(5);
        foreach (var (name, indices) in report.Zeroed)
        {
            foreach (var i in indices.Where((_, k) => k % 7 == 0))
            {
                var probe = Copy(g);
                W(probe, name)[i] = 3f * (random.Next(2) * 2 - 1);
                PurifierTests.AssertSameOutputs(g, probe);
            }
        }
        var live = Copy(g);
        W(live, "fc1.weight")[0 * 96 + Array.FindIndex(fc1, v => v != 0) % 96] += 3f;
        Assert.ThrowsAny<Exception>(() => PurifierTests.AssertSameOutputs(g, live));
        // Nothing is left to remove.
        var again = DeadUnitRemoval.Apply(UnitLinks.Find(g), name => g.Initializer(name)?.Floats);
        Assert.Equal(0, again.WeightsZeroed + again.BiasesZeroed);
    }

    private const string Policy = """
        {
          "seed": 3,
          "data": { "trainSamples": 384, "testSamples": 96 },
          "layers": [
            { "match": "fc1.weight", "prune": { "ratio": 400 }, "quantize": { "bits": 3 }, "bias": { "bits": 6 } },
            { "match": "fc2.weight", "prune": { "keep": 0.05 }, "quantize": { "bits": 3 } }
          ],
          "schedule": { "batchSize": 32, "maxBatchesPerEpoch": 6, "admmInterval": 3, "monitorSamples": 32, REMOVE
            "admmPrune": { "epochs": 1 }, "retrain": { "epochs": 1 }, "admmQuantize": { "epochs": 1 }, "finetune": { "epochs": 0.5 } },
          "gates": { "maxAccuracyDrop": 1.0 }
        }
        """;

    private static (CompressionOutcome Outcome, List<string> Messages) Compress(bool remove)
    {
        var messages = new List<string>();
        var options = new CompressionOptions { Progress = new Collect(messages) };
        var policy = PolicyLoader.Parse(Policy.Replace("REMOVE", remove ? "\"removeDeadUnits\": true," : ""));
        Assert.Equal(remove, policy.Schedule.RemoveDeadUnits);
        var outcome = new Compressor(policy).Run(ModelZoo.Create("lenet5", 11), TestData.FashionMnistTrainSample(384), TestData.FashionMnistTestSample(96), options);
        return (outcome, messages);
    }

    /// <summary>fc1 units whose fc2 column is all zero but which still hold weights or a bias, and fc2 entries reading an
    /// fc1 unit that is constant zero (empty row, bias ≤ 0).</summary>
    private static (int Unused, int ReadingZero) Dead(ModelGraph g)
    {
        var (fc1, bias, fc2) = (W(g, "fc1.weight"), W(g, "fc1.bias"), W(g, "fc2.weight"));
        int unused = 0, readingZero = 0;
        for (var u = 0; u < 500; u++)
        {
            var rowEmpty = fc1.AsSpan(u * 800, 800).IndexOfAnyExcept(0f) < 0;
            var column = Enumerable.Range(0, 10).Count(n => fc2[n * 500 + u] != 0);
            if (column == 0 && (!rowEmpty || bias[u] != 0)) unused++;
            if (rowEmpty && bias[u] <= 0) readingZero += column;
        }
        return (unused, readingZero);
    }

    [Fact]
    public void The_compressed_model_keeps_no_dead_unit_and_costs_fewer_bits()
    {
        var (plain, _) = Compress(remove: false);
        var (removed, messages) = Compress(remove: true);

        var (unused, readingZero) = Dead(plain.Model);
        Assert.True(unused + readingZero > 0, "the test needs dead units to remove");
        Assert.Equal((0, 0), Dead(removed.Model));
        Assert.True(removed.Result.TotalBits < plain.Result.TotalBits, $"{removed.Result.TotalBits} bits with removal, {plain.Result.TotalBits} without");
        Assert.Contains(messages, m => m.StartsWith("dead units (admm-prune)", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("dead units (final)", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("dead units (bias-levels)", StringComparison.Ordinal));
    }

    [Fact]
    public void The_option_must_be_a_boolean_and_the_error_names_it()
    {
        var e = Assert.Throws<PolicyException>(() => PolicyLoader.Parse(Policy.Replace("REMOVE", "\"removeDeadUnits\": 1,"), "p.json"));
        Assert.Contains("schedule.removeDeadUnits must be true or false", e.Message);
        Assert.StartsWith("p.json:", e.Message);
    }

    private sealed class Collect(List<string> messages) : IProgress<CompressionProgress>
    {
        public void Report(CompressionProgress value) { lock (messages) messages.Add(value.Message); }
    }
}
