using System.CommandLine;

namespace AdmmNn.Cli.Commands;

/// <summary><c>admmnn data …</c>: dataset commands.</summary>
public static class DataCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("data", "Inspect datasets.");
        var info = new Command("info", "Counts, shapes and label histogram of a dataset (a name such as fashion-mnist, or a folder of IDX files).");
        var name = new Argument<string>("name-or-dir") { Description = "fashion-mnist, mnist, or a folder holding IDX files." };
        info.Arguments.Add(name);
        info.SetAction(parse =>
        {
            console.Out.WriteLine($"TODO {parse.GetValue(name)}");
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(info);
        return command;
    }
}
