using System.Reflection;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests;

public sealed class CommandLineAppTests
{
    [Fact]
    public void Root_help_lists_every_verb_and_the_global_options()
    {
        var run = CliRun.Of("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        // The part above the verb list is stable; the verb list grows as verbs land, so it is checked against the tree.
        var commandsAt = run.Out.IndexOf("Commands:", StringComparison.Ordinal);
        Assert.True(commandsAt > 0, run.Out);
        Approvals.Verify(run.Out[..commandsAt]);
        var root = CommandLineApp.Build(new CliConsole(TextWriter.Null, TextWriter.Null, false));
        Assert.NotEmpty(root.Subcommands);
        Assert.All(root.Subcommands, verb => Assert.Contains($"\n  {verb.Name} ", run.Out[commandsAt..]));
    }

    [Fact]
    public void Data_info_help_matches_snapshot()
    {
        var run = CliRun.Of("data", "info", "--help");
        Assert.Equal(0, run.ExitCode);
        Approvals.Verify(run.Out);
    }

    [Fact]
    public void Version_prints_the_informational_version()
    {
        var run = CliRun.Of("--version");

        var expected = typeof(CommandLineApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected + "\n", run.Out);
        Assert.StartsWith("0.1.0", expected);
    }

    [Fact]
    public void Unknown_verb_is_a_usage_error_on_stderr()
    {
        var run = CliRun.Of("frobnicate");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Contains("error: Unrecognized command or argument 'frobnicate'.\n", run.Error);
        Assert.EndsWith("\nRun 'admmnn --help' for usage.\n", run.Error);
    }

    [Fact]
    public void Unknown_option_points_at_the_subcommand_help()
    {
        var run = CliRun.Of("data", "info", "fashion-mnist", "--bogus");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.EndsWith("Run 'admmnn data info --help' for usage.\n", run.Error);
        Assert.Contains("'--bogus'", run.Error);
    }

    [Fact]
    public void Missing_argument_is_a_usage_error()
    {
        var run = CliRun.Of("data", "info");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
    }

    [Fact]
    public void Unexpected_exception_is_an_internal_error_with_stack_trace()
    {
        var error = new StringWriter();
        var console = new CliConsole(TextWriter.Null, error, false);
        int code;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException ex)
        {
            code = CommandLineApp.Report(ex, console, verbose: false);
        }

        Assert.Equal(1, code);
        Assert.StartsWith("internal error: boom", error.ToString());
        Assert.Contains(" at ", error.ToString());
    }

    [Fact]
    public void User_error_exception_keeps_its_exit_code_and_hides_the_stack_trace()
    {
        var error = new StringWriter();
        var code = CommandLineApp.Report(new UserErrorException("bad gate", ExitCodes.GateFailed), new CliConsole(TextWriter.Null, error, false), verbose: false);

        Assert.Equal(3, code);
        Assert.Equal("error: bad gate" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public void Under_msbuild_a_policy_error_is_one_diagnostic_line_with_code_file_and_line()
    {
        var error = new StringWriter();
        var ex = new AdmmNn.Core.Policy.PolicyException("/app/admmnn.json", 7, "layers[0].prune.keep", "must be in (0,1], got 1.5");

        var code = CommandLineApp.Report(ex, new CliConsole(TextWriter.Null, error, false, ForMSBuild: true), verbose: false);

        Assert.Equal(ExitCodes.UserError, code);
        Assert.Equal("admmnn-diagnostic: {\"severity\":\"error\",\"code\":\"ADMMNN011\",\"message\":\"layers[0].prune.keep must be in (0,1], got 1.5\"," +
            "\"file\":\"/app/admmnn.json\",\"line\":7,\"column\":0}", error.ToString().TrimEnd());

        var plain = new StringWriter();
        CommandLineApp.Report(ex, new CliConsole(TextWriter.Null, plain, false), verbose: false);
        Assert.Equal("error: /app/admmnn.json:7: layers[0].prune.keep must be in (0,1], got 1.5", plain.ToString().TrimEnd());
    }
}
