using AdmmNn.Diagnostics;

namespace AdmmNn.Cli;

/// <summary>An expected error the user can fix; shown as one line without a stack trace (exit code 2 by default).</summary>
public sealed class UserErrorException(string message, int exitCode = ExitCodes.UserError, Exception? inner = null, string code = DiagnosticCodes.BadInput)
    : Exception(message, inner)
{
    /// <summary>The process exit code to return.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The ADMMNN code under MSBuild.</summary>
    public string Code { get; } = code;
}
