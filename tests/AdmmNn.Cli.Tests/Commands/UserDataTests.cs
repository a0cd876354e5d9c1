using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AdmmNn.Runtime;
using AdmmNn.Runtime.Preprocessing;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

/// <summary>
/// --data with the user's own files: Fashion-MNIST written as PNG folders by samples/datasets/write_image_folder.py
/// (the first 300 images of each split), evaluated, compressed, packed and predicted from the PNG bytes.
/// </summary>
[Collection(EngineThreadsCollection.Name)]
public sealed class UserDataTests : IClassFixture<UserDataTests.Folder>
{
    private const int Limit = 300;
    private readonly Folder _folder;

    public UserDataTests(Folder folder) => _folder = folder;

    private static string LeNet => RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx");

    /// <summary>The PNG folders, written once.</summary>
    public sealed class Folder : IDisposable
    {
        public Folder()
        {
            Root = Temp.Combine("fashion-png");
            FashionPng.Write(Root, Limit);
        }

        public TempDirectory Temp { get; } = new("admmnn-cli-userdata");

        public string Root { get; }

        public void Dispose() => Temp.Dispose();
    }

    [Fact]
    public void Lenet_scores_exactly_the_same_from_png_folders_as_from_idx()
    {
        var fromIdx = CliRun.Of("evaluate", LeNet, "--data", "fashion-mnist", "--limit", Limit.ToString(CultureInfo.InvariantCulture));
        var fromPng = CliRun.Of("evaluate", LeNet, "--data", _folder.Root);

        Assert.True(fromPng.ExitCode == 0, fromPng.Error);
        var expected = Regex.Match(fromIdx.Out, @"accuracy\s+(.*)\n").Groups[1].Value;
        Assert.Matches(@"\(\d+/300\)", expected);
        Assert.Equal(expected, Regex.Match(fromPng.Out, @"accuracy\s+(.*)\n").Groups[1].Value);
    }

    [Fact]
    public void Data_info_reads_an_image_folder_with_pixel_statistics()
    {
        var run = CliRun.Of("data", "info", _folder.Root);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Format:  image-folder", run.Out);
        Assert.Contains("Shape:   1 x 28 x 28 (channels x height x width)", run.Out);
        Assert.Matches(@"total\s+300\s+300", run.Out);
        Assert.Matches(@"policy data section: ""mean"": \[0\.\d{4}\], ""std"": \[0\.\d{4}\]", run.Out);
    }

    [Fact]
    public void Compress_from_a_folder_tunes_on_validation_records_preprocessing_and_the_packed_model_predicts_from_pngs()
    {
        var temp = _folder.Temp;
        var policy = temp.WriteFile("policy.json", """
            {
              "seed": 3,
              "layers": [ { "match": "fc1.weight", "prune": { "keep": 0.2 } } ],
              "schedule": {
                "batchSize": 32, "maxBatchesPerEpoch": 2, "admmInterval": 1, "monitorSamples": 50,
                "admmPrune": { "epochs": 1, "learningRate": 0.0002 }, "retrain": { "epochs": 1, "learningRate": 0.0002 },
                "admmQuantize": { "epochs": 0 }, "finetune": { "epochs": 0 }
              },
              "data": { "validationFraction": 0.2, "mean": [0], "std": [1], "horizontalFlip": true }
            }
            """);
        var output = temp.Combine("c", "c.onnx");

        var run = CliRun.Of("compress", LeNet, "--policy", policy, "--out", output, "--data", _folder.Root);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("240 training / 60 validation / 300 test images", run.Out);
        using (var result = JsonDocument.Parse(File.ReadAllText(temp.Combine("c", "report.json"))))
        {
            var splits = result.RootElement.GetProperty("splits");
            Assert.StartsWith("validation:", splits.GetProperty("monitorAccuracy").GetString());
            Assert.StartsWith("test:", splits.GetProperty("finalAccuracy").GetString());
            Assert.Contains("held out", splits.GetProperty("val").GetString());
        }

        var packed = temp.Combine("c", "c.admmnn");
        Assert.Equal(0, CliRun.Of("pack", output, "--out", packed).ExitCode);
        var model = CompressedModel.Load(File.ReadAllBytes(packed));
        Assert.Equal(new ImagePreprocessing { Mean = [0f], Std = [1f], HorizontalFlip = true }, model.Preprocessing);

        // An app predicting from the PNG bytes agrees with evaluate on every image.
        var predictions = temp.Combine("c", "predictions.txt");
        var evaluate = CliRun.Of("evaluate", output, "--data", _folder.Root, "--predictions", predictions);
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        var expected = File.ReadAllLines(predictions).Select(l => l.Split(' ')).ToArray();
        var correct = 0;
        // The split's order: class folders, then file names, both ordinal.
        var files = Directory.GetFiles(Path.Combine(_folder.Root, "test"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(files.Length, expected.Length);
        for (var i = 0; i < files.Length; i++)
        {
            var logits = model.PredictImage(File.ReadAllBytes(files[i]));
            var label = int.Parse(Path.GetFileName(Path.GetDirectoryName(files[i]))!, CultureInfo.InvariantCulture);
            var top1 = Array.IndexOf(logits, logits.Max());
            Assert.Equal([i.ToString(CultureInfo.InvariantCulture), top1.ToString(CultureInfo.InvariantCulture), label.ToString(CultureInfo.InvariantCulture)], expected[i]);
            if (top1 == label) correct++;
        }

        Assert.Contains($"({correct}/300)", evaluate.Out);
    }

    [Fact]
    public void Corrupt_png_makes_compress_exit_2_naming_the_file_and_write_nothing()
    {
        using var temp = new TempDirectory("admmnn-cli-corrupt");
        var good = Directory.GetFiles(Path.Combine(_folder.Root, "train", "1"))[0];
        temp.WriteFile("d/train/0/a.png", File.ReadAllBytes(good));
        var bytes = File.ReadAllBytes(good);
        var bad = temp.WriteFile("d/train/1/b.png", bytes[..(bytes.Length - 20)]);
        temp.WriteFile("d/test/0/c.png", File.ReadAllBytes(good));
        var output = temp.Combine("out", "c.onnx");

        var run = CliRun.Of("compress", LeNet, "--policy", RepoPaths.Combine("samples", "policies", "default.json"), "--out", output, "--data", temp.Combine("d"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {bad}", run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(temp.Combine("out")) && Directory.EnumerateFiles(temp.Combine("out")).Any());
    }
}
