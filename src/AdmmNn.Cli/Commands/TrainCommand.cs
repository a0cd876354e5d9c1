using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AdmmNn.Data.Datasets;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Optimizers.Schedules;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Training;
using Spectre.Console;

namespace AdmmNn.Cli.Commands;

/// <summary>
/// <c>admmnn train --arch lenet5 --data fashion-mnist --epochs 10 --out model.onnx</c>: trains a built-in architecture
/// with AdmmNn's engine, reports loss, accuracy and images/s per epoch and the final test accuracy, and saves the model.
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("train", "Train a built-in architecture on a dataset with AdmmNn's engine and save it.");
        var arch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", ModelZoo.Architectures)}.", DefaultValueFactory = _ => "lenet5" };
        arch.AcceptOnlyFromAmong([.. ModelZoo.Architectures]);
        var data = new Option<string>("--data") { Description = "Dataset name (fashion-mnist, mnist) or a folder of IDX files.", DefaultValueFactory = _ => "fashion-mnist", HelpName = "NAME|DIR" };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Folder searched first for named datasets; then ${DatasetLocator.EnvironmentVariable}, then {DatasetLocator.SystemDatasetsRoot}.", HelpName = "DIR" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per training step.", DefaultValueFactory = _ => 64 };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd (Nesterov momentum), adam or adamw.", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw");
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (default: 0.05 for sgd, 0.001 for adam/adamw)." };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay (default: 5e-4 for sgd and adam, 0.01 for adamw)." };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule per epoch: cosine, step (÷10 every third of the epochs) or constant.", DefaultValueFactory = _ => "cosine" };
        schedule.AcceptOnlyFromAmong("cosine", "step", "constant");
        var warmup = new Option<int>("--warmup") { Description = "Warm-up epochs (linear) before the schedule.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights and the shuffling.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "Engine threads (default: all processors). Same seed + threads = same weights." };
        var limit = new Option<int?>("--limit") { Description = "Train on only the first N training images (for quick runs)." };
        var flip = new Option<bool>("--flip") { Description = "Augment: mirror each training image left-right with probability 1/2." };
        var output = new Option<string?>("--out") { Description = "Where to save the trained model (.onnx or a plugin format).", HelpName = "FILE" };
        foreach (var option in new Option[] { arch, data, dataDir, epochs, batchSize, optimizer, lr, momentum, weightDecay, schedule, warmup, seed, threads, limit, flip, output })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellation) => Task.FromResult(Run(console, () => CliPlugins.Load(parse, console, quiet: true).Models, new TrainSettings(
            parse.GetValue(arch)!, parse.GetValue(data)!, parse.GetValue(dataDir), parse.GetValue(epochs), parse.GetValue(batchSize),
            parse.GetValue(optimizer)!, parse.GetValue(lr), parse.GetValue(momentum), parse.GetValue(weightDecay), parse.GetValue(schedule)!,
            parse.GetValue(warmup), parse.GetValue(seed), parse.GetValue(threads) ?? Environment.ProcessorCount, parse.GetValue(limit), parse.GetValue(flip), parse.GetValue(output)), cancellation)));
        return command;
    }

    private sealed record TrainSettings(string Arch, string Data, string? DataDir, int Epochs, int BatchSize, string Optimizer, double? Lr,
        double Momentum, double? WeightDecay, string Schedule, int Warmup, int Seed, int Threads, int? Limit, bool Flip, string? Output);

    private static int Run(CliConsole console, Func<AdmmNn.Core.Models.ModelStore> createStore, TrainSettings s, CancellationToken cancellation)
    {
        if (s.Epochs < 1) throw new UserErrorException($"--epochs must be at least 1 (got {s.Epochs})");
        if (s.BatchSize < 1) throw new UserErrorException($"--batch-size must be at least 1 (got {s.BatchSize})");
        if (s.Limit is < 1) throw new UserErrorException($"--limit must be at least 1 (got {s.Limit})");
        if (s.Warmup < 0 || s.Warmup >= s.Epochs) throw new UserErrorException($"--warmup must be between 0 and epochs-1 (got {s.Warmup})");
        if (s.Lr is <= 0) throw new UserErrorException($"--lr must be positive (got {s.Lr})");
        var store = s.Output is null ? null : createStore();
        if (s.Output is not null) store!.FormatFor(s.Output);  // fail fast on an unknown extension, before training

        EngineThreads.Set(s.Threads);
        var data = DataSource.Load(s.Data, s.DataDir, AdmmNn.Runtime.Preprocessing.ImagePreprocessing.Default, validationFraction: 0, s.Seed);
        var (train, test) = (data.Train, data.Test);
        if (s.Limit is { } n && n < train.Count) train = train.Take(n);
        if (train.Channels != 1 || train.Height != 28 || train.Width != 28 || train.ClassCount != 10)
        {
            throw new UserErrorException($"{train.Name}: built-in architectures take 1×28×28 images in 10 classes; this dataset has {train.Channels}×{train.Height}×{train.Width} in {train.ClassCount}");
        }

        int[] sampleShape = [1, 28, 28];
        var model = GraphModule.FromGraph(ModelZoo.Create(s.Arch, s.Seed));
        double peak = s.Lr ?? (s.Optimizer == "sgd" ? 0.05 : 1e-3);
        Optimizer opt = s.Optimizer switch
        {
            "adam" => new Adam(model.Parameters, peak, weightDecay: s.WeightDecay ?? 5e-4),
            "adamw" => new AdamW(model.Parameters, peak, weightDecay: s.WeightDecay ?? 0.01),
            _ => new Sgd(model.Parameters, peak, s.Momentum, s.WeightDecay ?? 5e-4, nesterov: s.Momentum > 0),
        };
        LearningRateSchedule baseSchedule = s.Schedule switch
        {
            "step" => new StepSchedule(peak, Math.Max(1, (s.Epochs + 2) / 3), 0.1),
            "constant" => new ConstantSchedule(peak),
            _ => new CosineSchedule(peak, s.Epochs),
        };
        var lrSchedule = s.Warmup > 0 ? new WarmupSchedule(baseSchedule, s.Warmup) : baseSchedule;
        var trainer = new Trainer(model, opt);
        var loader = new DataLoader(train.ToFloatImages(), train.LabelsAsInt(), sampleShape, s.BatchSize, shuffle: true, seed: s.Seed) { RandomHorizontalFlip = s.Flip };
        var testImages = test.ToFloatImages();
        var testLabels = test.LabelsAsInt();
        var ic = CultureInfo.InvariantCulture;
        console.Out.WriteLine(string.Format(ic, "training {0} on {1} ({2:N0} train / {3:N0} test images): {4} epochs, batch {5}, {6} lr {7} ({8}), seed {9}, {10} threads{11}",
            s.Arch, train.Name, train.Count, test.Count, s.Epochs, s.BatchSize, s.Optimizer, peak, s.Schedule, s.Seed, s.Threads, s.Flip ? ", random flips" : ""));

        var total = Stopwatch.StartNew();
        EvaluationResult? last = null;
        for (int epoch = 0; epoch < s.Epochs; epoch++)
        {
            lrSchedule.Apply(opt, epoch);
            var clock = Stopwatch.StartNew();
            BatchResult r = console.IsInteractive
                ? WithProgressBar(console, epoch, s.Epochs, loader, trainer, cancellation)
                : trainer.TrainEpoch(loader, null, cancellation);
            double seconds = clock.Elapsed.TotalSeconds;
            last = Evaluator.Evaluate(model, testImages, testLabels, sampleShape, 256);
            console.Out.WriteLine(string.Format(ic, "epoch {0}/{1}  lr {2:0.#####}  loss {3:0.0000}  train acc {4:0.00} %  test loss {5:0.0000}  test acc {6:0.00} %  {7:N0} images/s",
                epoch + 1, s.Epochs, opt.LearningRate, r.Loss, 100 * r.Accuracy, last.Loss, 100 * last.Accuracy, r.Count / seconds));
        }

        console.Out.WriteLine(string.Format(ic, "final test accuracy {0:0.00} % ({1:N0} images), {2:0.0} s", 100 * last!.Accuracy, last.Count, total.Elapsed.TotalSeconds));
        if (s.Output is not null)
        {
            var graph = model.ToGraph();
            graph.Metadata["admmnn.trained.dataset"] = train.Name;
            graph.Metadata["admmnn.trained.epochs"] = s.Epochs.ToString(ic);
            graph.Metadata["admmnn.trained.test_accuracy"] = last.Accuracy.ToString("0.0000", ic);
            graph.Metadata["admmnn.trained.command"] = $"train --arch {s.Arch} --data {s.Data} --epochs {s.Epochs} --batch-size {s.BatchSize} --optimizer {s.Optimizer} --lr {peak.ToString(ic)} --schedule {s.Schedule} --seed {s.Seed} --threads {s.Threads}{(s.Flip ? " --flip" : "")}";
            store!.Save(graph, s.Output);
            console.Out.WriteLine($"saved {s.Output}");
        }

        return ExitCodes.Ok;
    }

    private static BatchResult WithProgressBar(CliConsole console, int epoch, int epochs, DataLoader loader, Trainer trainer, CancellationToken cancellation)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
        BatchResult result = default;
        ansi.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"epoch {epoch + 1}/{epochs}", maxValue: loader.BatchCount);
                var clock = Stopwatch.StartNew();
                int images = 0, correct = 0;
                double lossSum = 0;
                result = trainer.TrainEpoch(loader, r =>
                {
                    // Running means over the epoch so far: steadier than the last batch's figures.
                    images += r.Count;
                    correct += r.Correct;
                    lossSum += r.Loss * r.Count;
                    task.Increment(1);
                    task.Description = string.Format(CultureInfo.InvariantCulture, "epoch {0}/{1} loss {2:0.000} acc {3:0.0}% {4:N0} img/s",
                        epoch + 1, epochs, lossSum / images, 100.0 * correct / images, images / clock.Elapsed.TotalSeconds);
                }, cancellation);
            });
        return result;
    }
}
