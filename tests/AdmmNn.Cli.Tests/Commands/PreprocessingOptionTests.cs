using AdmmNn.Core.Plugins;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Runtime.Preprocessing;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

/// <summary><c>compress --preprocessing</c> (what the MSBuild <c>Preprocessing</c> metadata passes): replaces the policy's, recorded in the model.</summary>
public sealed class PreprocessingOptionTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-cli-preprocessing");

    public void Dispose() => _temp.Dispose();

    private static string LeNet => RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx");

    private string Policy => _temp.WriteFile("policy.json", """
        {
          "seed": 1,
          "layers": [ { "match": "fc1.weight", "prune": { "keep": 0.5 } } ],
          "schedule": { "batchSize": 32, "maxBatchesPerEpoch": 2, "admmInterval": 1, "monitorSamples": 16,
            "admmPrune": { "epochs": 1 }, "retrain": { "epochs": 0 }, "admmQuantize": { "epochs": 0 }, "finetune": { "epochs": 0 } },
          "data": { "trainSamples": 64, "testSamples": 32, "mean": [0.1], "std": [0.9] },
          "gates": { "maxAccuracyDrop": 1 }
        }
        """);

    [Fact]
    public void The_option_replaces_the_policy_preprocessing_and_reaches_the_model_metadata()
    {
        var output = _temp.Combine("c", "c.onnx");

        var run = CliRun.Of("compress", LeNet, "--policy", Policy, "--out", output, "--preprocessing", "mean=0.25;std=0.5;horizontalFlip=true");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var model = new PluginSet([new OnnxFormat()]).Models.Load(output);
        Assert.Equal(new ImagePreprocessing { Mean = [0.25f], Std = [0.5f], HorizontalFlip = true }.ToJson(), model.Metadata[ImagePreprocessing.MetadataKey]);
    }

    [Fact]
    public void A_bad_field_exits_2_with_one_line_naming_it_and_writes_nothing()
    {
        var output = _temp.Combine("bad", "c.onnx");

        var run = CliRun.Of("compress", LeNet, "--policy", Policy, "--out", output, "--preprocessing", "mean=0.25;meen=0.5");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--preprocessing: meen: not a preprocessing field", line);
        Assert.False(Directory.Exists(_temp.Combine("bad")) && Directory.EnumerateFileSystemEntries(_temp.Combine("bad")).Any());
    }
}
