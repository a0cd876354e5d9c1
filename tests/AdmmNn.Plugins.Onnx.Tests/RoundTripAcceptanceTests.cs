using AdmmNn.Data.Datasets;
using AdmmNn.OnnxRuntime;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Training;
using Xunit.Abstractions;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>
/// The acceptance: import a PyTorch ONNX model, train one epoch with the engine, export, and ONNX Runtime's
/// outputs on the exported file equal the engine's within 1e-4 (relative) on 1,000 test images with identical predicted
/// classes. To keep the suite fast the epoch runs over the first 4,000 Fashion-MNIST training images (a full
/// 60,000-image epoch takes well over 30 s on two shared cores); the export/parity path is the same. Set
/// <c>ADMMNN_ROUNDTRIP_IMAGES=60000</c> to run the full epoch.
/// </summary>
public sealed class RoundTripAcceptanceTests(ITestOutputHelper output)
{
    private static readonly int TrainingImages =
        int.TryParse(Environment.GetEnvironmentVariable("ADMMNN_ROUNDTRIP_IMAGES"), out var n) && n > 0 ? n : 4_000;

    [Fact]
    public void Import_train_one_epoch_export_then_onnx_runtime_matches_the_engine()
    {
        var format = new OnnxFormat();
        var imported = format.FromBytes(File.ReadAllBytes(TestFiles.LeNetFixture));
        var module = GraphModule.FromGraph(imported);
        var before = module.Parameter("fc1.weight")!.Value.ToArray();

        var train = DatasetLocator.Load("fashion-mnist", null, train: true).Take(TrainingImages);
        var trainer = new Trainer(module, new Sgd(module.Parameters, learningRate: 0.05, momentum: 0.9));
        module.Training = true;
        var epoch = trainer.TrainEpoch(new DataLoader(train.ToFloatImages(), train.LabelsAsInt(), [1, 28, 28], batchSize: 64, shuffle: true, seed: 1));
        module.Training = false;
        Assert.NotEqual(before, module.Parameter("fc1.weight")!.Value.ToArray());

        using var folder = new TemporaryFolder();
        var exportedPath = Path.Combine(folder.Path, "lenet5_trained.onnx");
        var exported = module.ToGraph();
        exported.Metadata["admmnn.test"] = "round-trip";
        using (var file = File.Create(exportedPath)) format.Write(exported, file);

        // The exported file keeps the interface and metadata a deployment relies on.
        var reread = format.FromBytes(File.ReadAllBytes(exportedPath));
        Assert.Equal("input", reread.Inputs.Single().Name);
        Assert.Equal("logits", reread.Outputs.Single().Name);
        Assert.Equal(imported.OpsetVersion, reread.OpsetVersion);
        Assert.Equal("round-trip", reread.Metadata["admmnn.test"]);

        var test = DatasetLocator.Load("fashion-mnist", null, train: false).Take(1000);
        var images = test.ToFloatImages();
        var engine = module.Forward(new Tensor(images, [1000, 1, 28, 28])).ToArray();
        using var session = OnnxRuntimeSession.FromFile(exportedPath);
        var ort = session.Run(images, [1000, 1, 28, 28], out var shape);
        Assert.Equal([1000L, 10], shape);

        var difference = Parity.MaxRelativeDifference(ort, engine, 10);
        var enginePredictions = Parity.ArgMax(engine, 10);
        var agreement = enginePredictions.Zip(Parity.ArgMax(ort, 10)).Count(p => p.First == p.Second);
        var accuracy = enginePredictions.Zip(test.LabelsAsInt()).Count(p => p.First == p.Second) / 1000.0;
        output.WriteLine($"trained one epoch on {TrainingImages} images (loss {epoch.Loss:F3}, train accuracy {epoch.Accuracy:P1}); " +
                         $"test accuracy {accuracy:P1}; ORT vs engine max relative difference {difference:E2}; classes agree {agreement}/1000");
        Assert.True(difference < 1e-4, $"relative difference {difference}");
        Assert.Equal(1000, agreement);
        Assert.True(accuracy > 0.5, $"test accuracy {accuracy} after training: the exported weights are not the trained ones?");
    }
}
