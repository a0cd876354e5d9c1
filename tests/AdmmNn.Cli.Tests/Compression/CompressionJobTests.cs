using System.Text.Json;
using AdmmNn.Abstractions.Constraints;
using AdmmNn.Core.Compression.Job;
using AdmmNn.Core.Plugins;
using AdmmNn.Diagnostics;
using AdmmNn.Plugins.Onnx;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Compression;

/// <summary><see cref="CompressionJob"/> called directly, as the verb calls it: the plugin set's kinds reach the compressor.</summary>
public sealed class CompressionJobTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-job");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_constraint_kind_in_the_plugin_set_constrains_the_weights_and_a_request_gate_points_at_no_file()
    {
        var policy = _temp.WriteFile("policy.json", """
            {
              "seed": 2,
              "layers": [ { "match": "fc2.weight", "constraint": { "kind": "first-half" } } ],
              "schedule": { "batchSize": 32, "maxBatchesPerEpoch": 2, "admmInterval": 1, "monitorSamples": 20,
                "admmPrune": { "epochs": 1 }, "retrain": { "epochs": 0 }, "admmQuantize": { "epochs": 0 }, "finetune": { "epochs": 0 } },
              "data": { "trainSamples": 100, "testSamples": 50 },
              "gates": { "maxAccuracyDrop": 1 }
            }
            """);
        var lines = new List<string>();
        var outcome = CompressionJob.Run(new CompressionRequest
        {
            ModelPath = RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx"), PolicyPath = policy, Data = "fashion-mnist",
            Plugins = new PluginSet([new OnnxFormat()], [new FirstHalfKind()]), MaxAccuracyDrop = 0, Log = lines.Add,
        });

        var fc2 = outcome.Model.Initializers.Single(i => i.Name == "fc2.weight").Floats!;
        Assert.All(fc2.Skip(fc2.Length / 2), v => Assert.Equal(0f, v));
        Assert.Contains(fc2.Take(fc2.Length / 2), v => v != 0);
        Assert.StartsWith("compress lenet5-fashion.onnx with ", Assert.Single(lines));
        // The request's limit replaced the policy's, so the failed gate points at no policy line.
        var gate = Assert.Single(outcome.GateDiagnostics);
        Assert.False(outcome.Passed);
        Assert.Equal((DiagnosticCodes.AccuracyGate, (string?)null, 0), (gate.Code, gate.File, gate.Line));
    }

    [Fact]
    public void Filter_pruning_is_purified_the_saved_model_loses_the_empty_filters_and_keeps_its_accuracy()
    {
        var policy = _temp.WriteFile("policy.json", """
            {
              "seed": 2,
              "layers": [ { "match": "conv1.weight", "prune": { "keep": 0.5, "structure": "filter" } } ],
              "schedule": { "batchSize": 32, "maxBatchesPerEpoch": 2, "admmInterval": 1, "monitorSamples": 20,
                "admmPrune": { "epochs": 1 }, "retrain": { "epochs": 1 }, "admmQuantize": { "epochs": 0 }, "finetune": { "epochs": 0 } },
              "data": { "trainSamples": 100, "testSamples": 200 }
            }
            """);
        var lines = new List<string>();
        var outcome = CompressionJob.Run(new CompressionRequest
        {
            ModelPath = RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx"), PolicyPath = policy, Data = "fashion-mnist",
            Plugins = new PluginSet([new OnnxFormat()], []), Log = lines.Add,
        });

        // conv1 -> max-pool -> conv2 (unpadded): a zero filter's constant bias folds into conv2's bias, so all 10 go.
        var report = outcome.Result.Purification!;
        Assert.Equal(10, report.FiltersRemoved);
        Assert.Equal(10, report.ChannelsRemoved);
        Assert.Equal([10L, 1, 5, 5], outcome.Model.Initializer("conv1.weight")!.Dims);
        Assert.Equal([50L, 10, 5, 5], outcome.Model.Initializer("conv2.weight")!.Dims);
        Assert.True(report.DenseMacsAfter < report.DenseMacsBefore);
        Assert.Equal(outcome.Result.FinalAccuracy, report.Accuracy!.Value, 3);
        Assert.Contains(lines, l => l.StartsWith("purification: 10 filters and 10 input channels removed", StringComparison.Ordinal));
    }

    /// <summary>Keeps the first half of the tensor, zeroes the rest.</summary>
    private sealed class FirstHalfKind : IConstraintKind
    {
        public string Name => "first-half";

        public string Description => "test";

        public IWeightProjection Create(WeightLayout layout, JsonElement settings) => new FirstHalf(layout);

        private sealed class FirstHalf(WeightLayout layout) : IWeightProjection
        {
            public WeightLayout Layout => layout;

            public string Describe() => "first half";

            public void Project(ReadOnlySpan<float> input, Span<float> output)
            {
                input.CopyTo(output);
                output[(input.Length / 2)..].Clear();
            }
        }
    }
}
