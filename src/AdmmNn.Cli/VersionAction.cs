using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace AdmmNn.Cli;

/// <summary>
/// <c>--version</c>: prints this tool's informational version. System.CommandLine's default reads the entry assembly,
/// which is the test host (or MSBuild) when the CLI runs in process, so the version is taken from this assembly instead.
/// </summary>
internal sealed class VersionAction(CliConsole console) : SynchronousCommandLineAction
{
    /// <summary>The informational version of the admmnn assembly, e.g. "0.1.0".</summary>
    public static string Version { get; } =
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionAction).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        console.Out.WriteLine(Version);
        return ExitCodes.Ok;
    }
}
