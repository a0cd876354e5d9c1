using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Models;
using AdmmNn.Data.Datasets;
using AdmmNn.OnnxRuntime;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Cli.Commands;

/// <summary>
/// <c>admmnn evaluate model.onnx --data fashion-mnist [--runtime engine|onnxruntime|ort]</c>: top-1 accuracy on the test split
/// and inference throughput, with AdmmNn's engine or with ONNX Runtime.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("evaluate", "Accuracy and throughput of a model on a dataset's test split, with the engine or ONNX Runtime.");
        var model = new Argument<string>("model") { Description = "Model file (.onnx)." };
        var data = new Option<string>("--data") { Description = "Dataset name (fashion-mnist, mnist) or a path: a folder of IDX files, an image folder (train/<class>/*.png, test/), CIFAR binary batches, or NumPy .npz/.npy.", DefaultValueFactory = _ => "fashion-mnist", HelpName = "NAME|DIR" };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Folder searched first for named datasets; then ${DatasetLocator.EnvironmentVariable}, then {DatasetLocator.SystemDatasetsRoot}.", HelpName = "DIR" };
        var runtime = new Option<string>("--runtime") { Description = "engine (AdmmNn's own) or onnxruntime (alias ort; the Microsoft.ML.OnnxRuntime package).", DefaultValueFactory = _ => "engine" };
        runtime.AcceptOnlyFromAmong("engine", "onnxruntime", "ort");
        var batchSize = new Option<int>("--batch-size") { Description = "Images per forward pass.", DefaultValueFactory = _ => 256 };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N test images." };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0: its default).", DefaultValueFactory = _ => 0 };
        var predictions = new Option<string?>("--predictions") { Description = "Also write each test image's top-1 class, one per line in the split's order (\"index predicted label\").", HelpName = "FILE" };
        command.Arguments.Add(model);
        foreach (var option in new Option[] { data, dataDir, runtime, batchSize, limit, threads, predictions }) command.Options.Add(option);
        command.SetAction(parse => Run(console,
            () => CliPlugins.Load(parse, console, quiet: true), parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(dataDir), parse.GetValue(runtime)!,
            parse.GetValue(batchSize), parse.GetValue(limit), parse.GetValue(threads), parse.GetValue(predictions)));
        return command;
    }

    private static int Run(CliConsole console, Func<Core.Plugins.PluginSet> loadPlugins, string path, string data, string? dataDir, string runtime, int batchSize, int? limit, int threads, string? predictionsPath = null)
    {
        if (batchSize < 1) throw new UserErrorException($"--batch-size must be at least 1 (got {batchSize})");
        if (limit is < 1) throw new UserErrorException($"--limit must be at least 1 (got {limit})");
        var plugins = loadPlugins();
        var graph = plugins.Models.Load(path);
        // The preprocessing the model records (pixel / 255 when none); a folder without a test split holds out the default fraction.
        var test = DataSource.LoadTest(data, dataDir, RecordedPreprocessing.Of(graph, path), null, 42, plugins.DatasetFormats);
        if (limit is { } n && n < test.Count) test = test.Take(n);
        var sampleShape = SampleShape(graph, test, path);
        var images = test.ToFloatImages();
        var labels = test.LabelsAsInt();

        string runtimeName;
        Func<float[], int, float[]> forward;
        IDisposable? owned = null;
        if (runtime == "engine")
        {
            var module = GraphModule.FromGraph(graph);
            module.Training = false;
            runtimeName = "engine (AdmmNn)";
            forward = (batch, count) => module.Forward(new Tensor(batch, [count, .. sampleShape])).ToArray();
        }
        else
        {
            var session = OpenOnnxRuntime(path, threads);
            owned = session;
            runtimeName = $"onnxruntime {OnnxRuntimeSession.RuntimeVersion}";
            long[] Shape(int count) => [count, .. sampleShape.Select(d => (long)d)];
            forward = (batch, count) =>
            {
                try
                {
                    return session.Run(batch, Shape(count), out _);
                }
                catch (OnnxRuntimeException ex)
                {
                    throw new UserErrorException($"{path}: ONNX Runtime: {OneLine(ex.Message)}", inner: ex);
                }
            };
        }

        using (owned)
        {
            int sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
            int correct = 0, classes = 0;
            var top1 = new int[labels.Length];
            var clock = Stopwatch.StartNew();
            for (int start = 0; start < labels.Length; start += batchSize)
            {
                int count = Math.Min(batchSize, labels.Length - start);
                var logits = forward(images.AsSpan(start * sampleSize, count * sampleSize).ToArray(), count);
                classes = logits.Length / count;
                for (int i = 0; i < count; i++)
                {
                    top1[start + i] = ArgMax(logits.AsSpan(i * classes, classes));
                    if (top1[start + i] == labels[start + i]) correct++;
                }
            }
            clock.Stop();

            var seconds = clock.Elapsed.TotalSeconds;
            if (predictionsPath is not null)
            {
                // Temp file then rename, so a failed run leaves no partial file.
                var temp = predictionsPath + ".tmp";
                File.WriteAllLines(temp, top1.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{i} {p} {labels[i]}")));
                File.Move(temp, predictionsPath, overwrite: true);
            }
            WriteKeyValues(console,
            [
                ("model", path),
                ("runtime", runtimeName),
                ("data", $"{test.Name}: {labels.Length.ToString("N0", CultureInfo.InvariantCulture)} images, {classes} outputs"),
                ("accuracy", $"{(100.0 * correct / labels.Length).ToString("F2", CultureInfo.InvariantCulture)} % ({correct}/{labels.Length})"),
                ("throughput", $"{(labels.Length / seconds).ToString("N0", CultureInfo.InvariantCulture)} images/s ({seconds.ToString("F2", CultureInfo.InvariantCulture)} s, batch {batchSize})"),
            ]);
        }
        return ExitCodes.Ok;
    }

    private static OnnxRuntimeSession OpenOnnxRuntime(string path, int threads)
    {
        try
        {
            return OnnxRuntimeSession.FromFile(Path.GetFullPath(path), new OnnxRuntimeSessionOptions { IntraOpThreads = threads });
        }
        catch (OnnxRuntimeNotFoundException ex)
        {
            throw new UserErrorException(ex.Message, inner: ex);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new UserErrorException($"{path}: ONNX Runtime: {OneLine(ex.Message)}", inner: ex);
        }
    }

    /// <summary>The per-sample input shape: the graph's when fully known (e.g. [784] for an MLP), else the dataset's [C,H,W].</summary>
    private static int[] SampleShape(ModelGraph graph, LabeledImageSet test, string path)
    {
        int[] dataShape = [test.Channels, test.Height, test.Width];
        var input = graph.Inputs.Count == 1 ? graph.Inputs[0]
            : throw new UserErrorException($"{path}: evaluate needs a model with one input, this one has {graph.Inputs.Count}");
        if (input.Dims.Length < 2 || input.Dims.Skip(1).Any(d => d < 0)) return dataShape;
        var modelShape = input.Dims.Skip(1).Select(d => (int)d).ToArray();
        if (modelShape.Aggregate(1L, (a, d) => a * d) != dataShape.Aggregate(1L, (a, d) => a * d))
            throw new UserErrorException($"{path}: input '{input.Name}' takes samples of [{string.Join(",", modelShape)}], but {test.Name} images are [{string.Join(",", dataShape)}]");
        return modelShape;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static void WriteKeyValues(CliConsole console, (string Key, string Value)[] rows)
    {
        var width = rows.Max(r => r.Key.Length);
        foreach (var (key, value) in rows) console.Out.WriteLine($"{key.PadRight(width)}  {value}");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
