using System.CommandLine;
using System.Reflection;
using AdmmNn.Cli.Commands;
using AdmmNn.Diagnostics;

namespace AdmmNn.Cli;

/// <summary>Builds the root command and runs it with uniform error handling and exit codes.</summary>
public static class CommandLineApp
{
    /// <summary>Global option: show stack traces for errors.</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show details and stack traces for errors.", Recursive = true };

    /// <summary>Builds the command tree. Each verb lives in its own file under <c>Commands/</c>.</summary>
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("admmnn: compress neural networks by ADMM joint pruning and quantization, hardware-aware.");
        root.Options.Add(Verbose);
        root.Options.Add(CliPlugins.PluginPaths);
        foreach (var version in root.Options.OfType<VersionOption>()) version.Action = new VersionAction(console);
        // A fixed width off a terminal, so help in logs and snapshots does not depend on the window size.
        foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
        {
            if (!console.IsInteractive && help.Action is System.CommandLine.Help.HelpAction action) action.MaxWidth = 100;
        }
        // One line per verb; keep alphabetical.
        root.Subcommands.Add(AnalyzeCommand.Create(console));
        root.Subcommands.Add(CompressCommand.Create(console));
        root.Subcommands.Add(DataCommand.Create(console));
        root.Subcommands.Add(EvaluateCommand.Create(console));
        root.Subcommands.Add(ExportCommand.Create(console));
        root.Subcommands.Add(InspectCommand.Create(console));
        root.Subcommands.Add(PackCommand.Create(console));
        root.Subcommands.Add(PluginsCommand.Create(console));
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(TargetsCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; never throws.</summary>
    public static int Run(string[] args, CliConsole console)
    {
        var root = Build(console);
        var parse = root.Parse(args);
        var verbose = parse.GetValue(Verbose);
        if (parse.Errors.Count > 0)
        {
            // Bad command lines are user errors (exit 2), reported on stderr with a pointer to the right help.
            foreach (var error in parse.Errors) console.Report(Diagnostic.Error(DiagnosticCodes.BadInput, error.Message));
            console.Error.WriteLine($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
            return ExitCodes.UserError;
        }

        try
        {
            var config = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
            using var plugins = CliPlugins.BeginVerb();
            return parse.Invoke(config);
        }
        catch (Exception ex)
        {
            return Report(ex, console, verbose);
        }
    }

    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult c) names.Add(c.Command is RootCommand ? "admmnn" : c.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>Turns an exception into a diagnostic on stderr and an exit code.</summary>
    public static int Report(Exception ex, CliConsole console, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (ex is TargetInvocationException { InnerException: { } inner }) ex = inner;
        switch (ex)
        {
            case UserErrorException user:
                console.Report(Diagnostic.Error(user.Code, user.Message), user.Message);
                if (verbose) console.Error.WriteLine(user);
                return user.ExitCode;
            case OperationCanceledException:
                console.Error.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            default:
                if (UserErrors.Describe(ex) is { } diagnostic)
                {
                    console.Report(diagnostic, ex.Message);
                    if (verbose) console.Error.WriteLine(ex);
                    return ExitCodes.UserError;
                }
                if (console.ForMSBuild) console.Report(Diagnostic.Error(DiagnosticCodes.ToolFailed, $"internal error: {ex.Message.ReplaceLineEndings(" ")}"));
                else console.Error.WriteLine($"internal error: {ex.Message}");
                console.Error.WriteLine(ex);
                return ExitCodes.InternalError;
        }
    }
}
