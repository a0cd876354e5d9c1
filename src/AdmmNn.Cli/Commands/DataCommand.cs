using System.CommandLine;
using System.Globalization;
using AdmmNn.Data.Datasets;

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
        var info = new Command("info", "Counts, shapes and label histogram of a dataset (a name such as fashion-mnist, or a folder of IDX files).");
        var name = new Argument<string>("name-or-dir") { Description = "fashion-mnist, mnist, or a folder holding IDX files." };
        var dataDir = new Option<string?>("--data", "--data-dir")
        {
            Description = $"Folder searched first for named datasets (as DIR/<name>/ and DIR/); then ${DatasetLocator.EnvironmentVariable}, then {DatasetLocator.SystemDatasetsRoot}/<name>.",
            HelpName = "DIR",
        };
        info.Arguments.Add(name);
        info.Options.Add(dataDir);
        info.SetAction(parse =>
        {
            var nameOrDir = parse.GetValue(name)!;
            var dir = parse.GetValue(dataDir);
            var train = DatasetLocator.Load(nameOrDir, dir, train: true);
            var test = DatasetLocator.Load(nameOrDir, dir, train: false);
            WriteInfo(console, nameOrDir, train, test);
            return ExitCodes.Ok;
        });
        return info;
    }

    private static void WriteInfo(CliConsole console, string nameOrDir, LabeledImageSet train, LabeledImageSet test)
    {
        var output = console.Out;
        output.WriteLine($"Dataset: {nameOrDir}");
        var width = Math.Max(N(train.Count).Length, N(test.Count).Length);
        output.WriteLine($"Train:   {N(train.Count).PadLeft(width)} images  {train.ImagesPath}");
        output.WriteLine($"Test:    {N(test.Count).PadLeft(width)} images  {test.ImagesPath}");
        output.WriteLine($"Shape:   {train.Channels} x {train.Height} x {train.Width} (channels x height x width)");
        if ((test.Channels, test.Height, test.Width) != (train.Channels, train.Height, train.Width))
            output.WriteLine($"         test images are {test.Channels} x {test.Height} x {test.Width}");
        var classes = Math.Max(train.ClassCount, test.ClassCount);
        output.WriteLine($"Classes: {classes}");
        output.WriteLine();

        var names = train.ClassCount >= test.ClassCount ? train.ClassNames : test.ClassNames;
        var trainCounts = train.ClassHistogram();
        var testCounts = test.ClassHistogram();
        var table = new CliTable()
            .AddColumn("Label", alignRight: true)
            .AddColumn("Class")
            .AddColumn("Train", alignRight: true)
            .AddColumn("Test", alignRight: true);
        for (var label = 0; label < classes; label++)
        {
            table.AddRow(N(label), names[label],
                N(label < trainCounts.Length ? trainCounts[label] : 0),
                N(label < testCounts.Length ? testCounts[label] : 0));
        }

        table.AddRow("", "total", N(train.Count), N(test.Count));
        table.Write(console);
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
