using System.CommandLine;
using System.Globalization;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Datasets;
using AdmmNn.Data.Formats;
using AdmmNn.Data.Loading;

namespace AdmmNn.Cli.Commands;

/// <summary><c>admmnn data …</c>: dataset commands.</summary>
public static class DataCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("data", "Inspect datasets.");
        command.Subcommands.Add(CreateInfo(console));
        return command;
    }

    private static Command CreateInfo(CliConsole console)
    {
        var info = new Command("info", "Counts per class, shapes and per-channel pixel statistics of a dataset (a name such as fashion-mnist, or a path in any dataset format).");
        var name = new Argument<string>("name-or-path")
        {
            Description = "fashion-mnist, mnist, or a path: a folder of IDX files, an image folder (train/<class>/*.png, test/), CIFAR binary batches, NumPy .npz or a folder of .npy files.",
        };
        var dataDir = new Option<string?>("--data", "--data-dir")
        {
            Description = $"Folder searched first for named datasets (as DIR/<name>/ and DIR/); then ${DatasetLocator.EnvironmentVariable}, then {DatasetLocator.SystemDatasetsRoot}/<name>.",
            HelpName = "DIR",
        };
        var samples = new Option<int?>("--samples") { Description = "Read the pixels of at most N samples per split (evenly spread) for the statistics; default all.", HelpName = "N" };
        var threads = new Option<int>("--threads") { Description = "Decoding threads.", DefaultValueFactory = _ => 2 };
        info.Arguments.Add(name);
        info.Options.Add(dataDir);
        info.Options.Add(samples);
        info.Options.Add(threads);
        info.SetAction(parse =>
        {
            var nameOrPath = parse.GetValue(name)!;
            if (parse.GetValue(samples) is < 1) throw new UserErrorException("--samples must be at least 1");
            using var dataset = DataSource.Open(nameOrPath, parse.GetValue(dataDir), CliPlugins.Load(parse, console, quiet: true).DatasetFormats);
            // Everything is read before anything is printed, so a bad file gives one error line and no partial output.
            var stats = dataset.Splits.Select(s => DatasetStatistics.Compute(s, dataset.ClassCount, parse.GetValue(samples), Math.Max(1, parse.GetValue(threads)))).ToList();
            WriteInfo(console, nameOrPath, dataset, stats);
            return ExitCodes.Ok;
        });
        return info;
    }

    private static void WriteInfo(CliConsole console, string nameOrPath, IDataset dataset, IReadOnlyList<DatasetStatistics> stats)
    {
        var output = console.Out;
        output.WriteLine($"Dataset: {nameOrPath}");
        if (dataset.Format != "idx") output.WriteLine($"Format:  {dataset.Format}");
        var width = stats.Max(s => N(s.Count).Length);
        for (var i = 0; i < dataset.Splits.Count; i++)
        {
            var split = dataset.Splits[i];
            var label = Title(split.Name) + ":";
            output.WriteLine($"{label,-8} {N(split.Count).PadLeft(width)} images{(DataSource.ImagesPath(split) is { } path ? "  " + path : "")}");
        }

        var first = stats[0].Shapes;
        output.WriteLine($"Shape:   {ShapeText(first)}");
        for (var i = 1; i < stats.Count; i++)
        {
            if (!stats[i].Shapes.Keys.ToHashSet().SetEquals(first.Keys))
                output.WriteLine($"         {dataset.Splits[i].Name} images are {ShapeText(stats[i].Shapes)}");
        }

        output.WriteLine($"Classes: {dataset.ClassCount}");
        output.WriteLine();

        var table = new CliTable().AddColumn("Label", alignRight: true).AddColumn("Class");
        foreach (var split in dataset.Splits) table.AddColumn(Title(split.Name), alignRight: true);
        for (var label = 0; label < dataset.ClassCount; label++)
            table.AddRow([N(label), dataset.ClassNames[label], .. stats.Select(s => N(s.PerClass[label]))]);
        table.AddRow(["", "total", .. stats.Select(s => N(s.Count))]);
        table.Write(console);

        output.WriteLine();
        for (var i = 0; i < stats.Count; i++)
        {
            var s = stats[i];
            var scanned = s.Scanned < s.Count ? $" ({N(s.Scanned)} of {N(s.Count)} samples)" : "";
            output.WriteLine($"{Title(dataset.Splits[i].Name)} pixels (bytes / 255, floats as stored) per channel{scanned}: mean [{List(s.Mean)}], std [{List(s.Std)}]");
        }

        output.WriteLine($"policy data section: \"mean\": [{List(stats[0].Mean)}], \"std\": [{List(stats[0].Std)}]");
    }

    private static string ShapeText(IReadOnlyDictionary<SampleShape, int> shapes)
    {
        var text = string.Join(", ", shapes.OrderByDescending(kv => kv.Value).Take(3).Select(kv => $"{kv.Key.Channels} x {kv.Key.Height} x {kv.Key.Width}"));
        return shapes.Count == 1
            ? $"{text} (channels x height x width)"
            : $"{shapes.Count} sizes, most common {text} (declare data.resize and data.centerCrop)";
    }

    private static string Title(string split) => split switch { "train" => "Train", "test" => "Test", "val" => "Val", _ => split };

    private static string List(double[] values) => string.Join(", ", values.Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture)));

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
