using AdmmNn.Diagnostics;

namespace AdmmNn.Cli;

/// <summary>Process exit codes, the same for every verb: the table the MSBuild task reads too (<see cref="ToolExitCodes"/>).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = ToolExitCodes.Ok;

    /// <summary>Unexpected internal failure (a bug): shown with a stack trace.</summary>
    public const int InternalError = ToolExitCodes.InternalError;

    /// <summary>Bad input: a file, field, layer or option the user can fix. One line on stderr.</summary>
    public const int UserError = ToolExitCodes.UserError;

    /// <summary>A gate failed (e.g. the accuracy drop exceeded the policy's limit).</summary>
    public const int GateFailed = ToolExitCodes.GateFailed;

    /// <summary>Cancelled (Ctrl+C); partial outputs were not written.</summary>
    public const int Cancelled = ToolExitCodes.Cancelled;
}
