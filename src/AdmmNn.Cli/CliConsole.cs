namespace AdmmNn.Cli;

/// <summary>
/// Where a command writes. Tests pass string writers; the tool passes the process streams.
/// <see cref="IsInteractive"/> is true only when stdout is a terminal, so progress bars never reach logs or MSBuild.
/// <see cref="ForMSBuild"/> is true when the MSBuild task runs the tool (it sets <c>ADMMNN_MSBUILD=1</c>): errors and
/// warnings are then written as diagnostic JSON lines the task logs as they are.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool IsInteractive, bool ForMSBuild = false)
{
    /// <summary>The process's own console.</summary>
    public static CliConsole System => new(global::System.Console.Out, global::System.Console.Error,
        !global::System.Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null,
        Environment.GetEnvironmentVariable(AdmmNn.Diagnostics.DiagnosticCodes.MSBuildVariable) == "1");

    /// <summary>Writes <paramref name="diagnostic"/> on stderr: <c>error: text</c> for people (<paramref name="text"/>, by default
    /// the location and message), a diagnostic JSON line for MSBuild.</summary>
    public void Report(AdmmNn.Diagnostics.Diagnostic diagnostic, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        if (ForMSBuild)
        {
            Error.WriteLine(diagnostic.ToJsonLine());
            return;
        }
        var kind = diagnostic.Severity == AdmmNn.Diagnostics.DiagnosticSeverity.Error ? "error" : "warning";
        Error.WriteLine(text is null ? diagnostic.ToString() : $"{kind}: {text}");
    }
}
