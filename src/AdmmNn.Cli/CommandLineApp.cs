using System.CommandLine;
using System.Reflection;
using AdmmNn.Cli.Commands;

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
        // One line per verb; keep alphabetical.
        root.Subcommands.Add(DataCommand.Create(console));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; never throws.</summary>
    public static int Run(string[] args, CliConsole console)
    {
        var root = Build(console);
        var parse = root.Parse(args);
        var verbose = parse.GetValue(Verbose);
        try
        {
            var config = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
            return parse.Invoke(config);
        }
        catch (Exception ex)
        {
            return Report(ex, console, verbose);
        }
    }

    /// <summary>Turns an exception into a message on stderr and an exit code.</summary>
    public static int Report(Exception ex, CliConsole console, bool verbose)
    {
        if (ex is TargetInvocationException { InnerException: { } inner }) ex = inner;
        switch (ex)
        {
            case UserErrorException user:
                console.Error.WriteLine($"error: {user.Message}");
                if (verbose) console.Error.WriteLine(user);
                return user.ExitCode;
            case OperationCanceledException:
                console.Error.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            default:
                if (UserErrors.TryDescribe(ex, out var message))
                {
                    console.Error.WriteLine($"error: {message}");
                    if (verbose) console.Error.WriteLine(ex);
                    return ExitCodes.UserError;
                }
                console.Error.WriteLine($"internal error: {ex.Message}");
                console.Error.WriteLine(ex);
                return ExitCodes.InternalError;
        }
    }
}
