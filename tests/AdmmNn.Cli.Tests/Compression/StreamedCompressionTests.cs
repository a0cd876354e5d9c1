using AdmmNn.Core.Compression;
using AdmmNn.Core.Compression.Job;
using AdmmNn.Core.Plugins;
using AdmmNn.Plugins.Onnx;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Compression;

/// <summary>
/// Compressing from a PNG image folder streams the training and test splits (StreamingLoader, the compressor's own
/// per-(seed, phase, epoch) order and augmentation): the weights are bit-identical to reading every split into memory,
/// also across a kill and resume in the middle of an epoch, with distillation, random crop and flip on.
/// </summary>
[Collection(EngineThreadsCollection.Name)]
public sealed class StreamedCompressionTests : IClassFixture<StreamedCompressionTests.Folder>
{
    private const int Limit = 160;

    private const string Policy = """
        {
          "seed": 5,
          "layers": [ { "match": "fc1.weight", "prune": { "keep": 0.3 } }, { "match": "conv2.weight", "prune": { "keep": 0.5 } } ],
          "schedule": {
            "batchSize": 16, "maxBatchesPerEpoch": 3, "admmInterval": 1, "monitorSamples": 24,
            "distillation": { "weight": 0.5, "temperature": 4 },
            "admmPrune": { "epochs": 2, "learningRate": 0.001 }, "retrain": { "epochs": 1, "learningRate": 0.001 },
            "admmQuantize": { "epochs": 0 }, "finetune": { "epochs": 0 }
          },
          "data": { "validationFraction": 0.25, "mean": [0.28], "std": [0.35], "randomCropPadding": 2, "horizontalFlip": true },
          "gates": { "maxAccuracyDrop": 1 }
        }
        """;

    private readonly Folder _folder;

    public StreamedCompressionTests(Folder folder) => _folder = folder;

    /// <summary>Fashion-MNIST as PNG folders (the first 160 images of each split), written once, and the straight streamed run.</summary>
    public sealed class Folder : IDisposable
    {
        public Folder()
        {
            Root = Temp.Combine("fashion-png");
            FashionPng.Write(Root, Limit);
            PolicyPath = Temp.WriteFile("policy.json", Policy);
            Streamed = new Lazy<(CompressionJobOutcome, List<string>)>(() =>
            {
                var log = new List<string>();
                return (CompressionJob.Run(Request(this) with { Log = log.Add }), log);
            });
        }

        public TempDirectory Temp { get; } = new("admmnn-streamed");

        public string Root { get; }

        public string PolicyPath { get; }

        public Lazy<(CompressionJobOutcome Outcome, List<string> Log)> Streamed { get; }

        public void Dispose() => Temp.Dispose();
    }

    [Fact]
    public void Streamed_run_gives_the_in_memory_weights_bit_for_bit_and_says_it_streamed()
    {
        var (streamed, log) = _folder.Streamed.Value;
        var inMemory = CompressionJob.Run(Request(_folder) with { InMemoryData = true });

        Assert.Contains("120 training / 40 validation / 160 test images (streamed)", Assert.Single(log));
        Assert.StartsWith("streamed: 2 decoding threads, at most ", streamed.Result.Splits["loading"]);
        Assert.False(inMemory.Result.Splits.ContainsKey("loading"));
        AssertSameWeights(inMemory, streamed);
        Assert.Equal(inMemory.Result.BaselineAccuracy, streamed.Result.BaselineAccuracy);
        Assert.Equal(inMemory.Result.FinalAccuracy, streamed.Result.FinalAccuracy);
        Assert.Equal(inMemory.Result.Splits["monitorAccuracy"], streamed.Result.Splits["monitorAccuracy"]);
    }

    [Fact]
    public void Streamed_run_killed_mid_epoch_and_resumed_ends_with_the_same_weights()
    {
        var checkpoints = _folder.Temp.Combine("checkpoints");
        using var cts = new CancellationTokenSource();
        var reports = 0;
        // The second ADMM iteration of the first phase ends after batch 2 of a 3-batch epoch: the resumed stream starts mid-epoch.
        var killed = Request(_folder) with
        {
            CheckpointDirectory = checkpoints,
            Progress = new Sync(p => { if (p.Iteration > 0 && ++reports == 2) cts.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => CompressionJob.Run(killed, cts.Token));

        var resumed = CompressionJob.Run(Request(_folder) with { CheckpointDirectory = checkpoints, Resume = true });

        Assert.True(resumed.Result.Resumed);
        AssertSameWeights(_folder.Streamed.Value.Outcome, resumed);
    }

    private static CompressionRequest Request(Folder folder) => new()
    {
        ModelPath = RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx"), PolicyPath = folder.PolicyPath, Data = folder.Root,
        Plugins = new PluginSet([new OnnxFormat()]),
    };

    private static void AssertSameWeights(CompressionJobOutcome expected, CompressionJobOutcome actual)
    {
        var changed = 0;
        foreach (var initializer in expected.Model.Initializers.Where(i => i.Floats is not null))
        {
            var other = actual.Model.Initializers.Single(i => i.Name == initializer.Name).Floats!;
            Assert.True(initializer.Floats!.AsSpan().SequenceEqual(other), $"{initializer.Name} differs");
            changed++;
        }

        Assert.True(changed >= 8, $"only {changed} float initializers compared");
    }

    private sealed class Sync(Action<CompressionProgress> report) : IProgress<CompressionProgress>
    {
        public void Report(CompressionProgress value) => report(value);
    }
}
