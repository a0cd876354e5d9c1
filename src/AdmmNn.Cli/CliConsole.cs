namespace AdmmNn.Cli;

/// <summary>
/// Where a command writes. Tests pass string writers; the tool passes the process streams.
/// <see cref="IsInteractive"/> is true only when stdout is a terminal, so progress bars never reach logs or MSBuild.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool IsInteractive)
{
    /// <summary>The process's own console.</summary>
    public static CliConsole System => new(global::System.Console.Out, global::System.Console.Error,
        !global::System.Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null);
}
