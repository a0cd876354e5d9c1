using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AdmmNn.Data.Datasets;
using AdmmNn.Runtime;

namespace AdmmNn.Cli.Commands;

/// <summary>
/// <c>admmnn run model.admmnn --data fashion-mnist</c>: runs a packed model with AdmmNn.Runtime on a dataset's test split and
/// reports accuracy, batch-1 latency and batch throughput.
/// </summary>
public static class RunCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("run", "Run a packed .admmnn model with AdmmNn.Runtime: accuracy, batch-1 latency and batch throughput.");
        var model = new Argument<string>("model") { Description = "Packed model (.admmnn)." };
        var data = new Option<string>("--data") { Description = "Dataset name (fashion-mnist, mnist) or a path: a folder of IDX files, an image folder (train/<class>/*.png, test/), CIFAR binary batches, or NumPy .npz/.npy.", DefaultValueFactory = _ => "fashion-mnist", HelpName = "NAME|DIR" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder searched first for named datasets.", HelpName = "DIR" };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per batch for the throughput run.", DefaultValueFactory = _ => 256 };
        var threads = new Option<int>("--threads") { Description = "Threads a batch is split across.", DefaultValueFactory = _ => 1 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N test images." };
        var kernels = new Option<string>("--kernels") { Description = "auto (sparse below break-even density), dense or sparse.", DefaultValueFactory = _ => "auto" };
        kernels.AcceptOnlyFromAmong("auto", "dense", "sparse");
        var profile = new Option<bool>("--profile") { Description = "Also print the time each node takes per batch." };
        command.Arguments.Add(model);
        foreach (var option in new Option[] { data, dataDir, batchSize, threads, limit, kernels, profile }) command.Options.Add(option);
        command.SetAction(parse => Run(console, parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(dataDir), parse.GetValue(batchSize),
            parse.GetValue(threads), parse.GetValue(limit), parse.GetValue(kernels)!, parse.GetValue(profile)));
        return command;
    }

    private static int Run(CliConsole console, string path, string data, string? dataDir, int batchSize, int threads, int? limit, string kernels, bool profile)
    {
        if (batchSize < 1) throw new UserErrorException($"--batch-size must be at least 1 (got {batchSize})");
        if (threads < 1) throw new UserErrorException($"--threads must be at least 1 (got {threads})");
        if (limit is < 1) throw new UserErrorException($"--limit must be at least 1 (got {limit})");
        if (!File.Exists(path)) throw new UserErrorException($"{path}: file not found");
        var options = new CompressedModelOptions
        {
            Threads = threads,
            Kernels = kernels switch { "dense" => KernelChoice.Dense, "sparse" => KernelChoice.Sparse, _ => KernelChoice.Auto },
        };
        CompressedModel model;
        try
        {
            model = CompressedModel.Load(File.ReadAllBytes(path), options);
        }
        catch (InvalidModelException ex)
        {
            throw new UserErrorException($"{path}: {ex.Message}", inner: ex);
        }
        var test = DataSource.LoadTest(data, dataDir, model.Preprocessing, null, 42);
        if (limit is { } n && n < test.Count) test = test.Take(n);
        int sample = test.Channels * test.Height * test.Width;
        if (sample != model.InputSize)
            throw new UserErrorException($"{path}: input '{model.InputName}' takes [{string.Join(",", model.InputShape)}] ({model.InputSize} values), but {test.Name} images have {sample}");
        var images = test.ToFloatImages();
        var labels = test.LabelsAsInt();
        int classes = model.OutputSize;

        // Accuracy and throughput: the whole split in batches.
        var logits = new float[batchSize * classes];
        model.Run(images.AsSpan(0, Math.Min(batchSize, labels.Length) * sample), Math.Min(batchSize, labels.Length), logits); // warm-up
        int correct = 0;
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < labels.Length; start += batchSize)
        {
            int count = Math.Min(batchSize, labels.Length - start);
            model.Run(images.AsSpan(start * sample, count * sample), count, logits.AsSpan(0, count * classes));
            for (int i = 0; i < count; i++) if (ArgMax(logits.AsSpan(i * classes, classes)) == labels[start + i]) correct++;
        }
        clock.Stop();
        double throughput = labels.Length / clock.Elapsed.TotalSeconds;

        // Batch-1 latency: median of single-image runs after a warm-up.
        int singles = Math.Min(labels.Length, 2000);
        var one = new float[classes];
        for (int i = 0; i < Math.Min(200, singles); i++) model.Run(images.AsSpan(i * sample, sample), one);
        var times = new double[singles];
        for (int i = 0; i < singles; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.Run(images.AsSpan(i * sample, sample), one);
            times[i] = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency;
        }
        Array.Sort(times);

        var layers = new CliTable().AddColumn("layer").AddColumn("op").AddColumn("weights", true).AddColumn("nonzeros", true).AddColumn("kernel");
        foreach (var l in model.Layers) layers.AddRow(l.Name, l.OpType, N(l.Weights), N(l.NonZeros), l.Kernel);
        layers.Write(console);
        console.Out.WriteLine();
        var rows = new (string, string)[]
        {
            ("model", $"{path} ({N(model.Summary.TotalBytes)} bytes)"),
            ("runtime", $"AdmmNn.Runtime, kernels {kernels}, {threads} thread(s)"),
            ("data", $"{test.Name}: {N(labels.Length)} images"),
            ("accuracy", $"{F(100.0 * correct / labels.Length, 2)} % ({correct}/{labels.Length})"),
            ("latency", $"batch 1: median {F(times[singles / 2], 1)} us, p90 {F(times[(int)(singles * 0.9)], 1)} us ({singles} runs)"),
            ("throughput", $"{N((long)throughput)} images/s (batch {batchSize}, {F(clock.Elapsed.TotalSeconds, 2)} s)"),
        };
        int width = rows.Max(r => r.Item1.Length);
        foreach (var (key, value) in rows) console.Out.WriteLine($"{key.PadRight(width)}  {value}");

        if (profile)
        {
            int count = Math.Min(batchSize, labels.Length);
            var timing = model.Profile(images.AsSpan(0, count * sample), count, 5);
            console.Out.WriteLine();
            var table = new CliTable().AddColumn("node").AddColumn("op").AddColumn($"ms per batch of {count}", true);
            foreach (var t in timing) table.AddRow(t.Name, t.OpType, F(t.Milliseconds, 3));
            table.Write(console);
        }
        return ExitCodes.Ok;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
