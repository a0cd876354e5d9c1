using AdmmNn.Cli;

namespace AdmmNn.Cli.Tests;

/// <summary>The result of running the CLI in process with captured output.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>Runs <c>admmnn</c> with <paramref name="args"/>; <paramref name="interactive"/> selects the Spectre rendering.</summary>
    public static CliRun Of(string[] args, bool interactive = false)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var code = CommandLineApp.Run(args, new CliConsole(output, error, interactive));
        // Help names the root command after the running executable, which in process is the test host.
        var executable = $"\n  {System.CommandLine.RootCommand.ExecutableName} ";
        return new CliRun(code, output.ToString().Replace(executable, "\n  admmnn ", StringComparison.Ordinal), error.ToString());
    }

    /// <summary>Runs <c>admmnn</c> with <paramref name="args"/> (non-interactive).</summary>
    public static CliRun Of(params string[] args) => Of(args, interactive: false);
}
