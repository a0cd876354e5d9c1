using AdmmNn.Diagnostics;

namespace AdmmNn.Core.Policy;

/// <summary>
/// A policy file is invalid. The message reads <c>file:line: path problem</c>, e.g.
/// <c>policy.json:12: layers[1].prune.keep must be in (0,1], got 1.5</c>; the diagnostic carries code ADMMNN011, the file
/// and the line.
/// </summary>
public sealed class PolicyException : DiagnosticException
{
    /// <summary>Creates the exception.</summary>
    public PolicyException(string file, int line, string jsonPath, string problem)
        : base(Diagnostic.Error(DiagnosticCodes.Policy, $"{(jsonPath.Length == 0 ? "" : jsonPath + " ")}{problem}", file, line),
            $"{file}:{line}: {(jsonPath.Length == 0 ? "" : jsonPath + " ")}{problem}")
    {
        File = file;
        Line = line;
        JsonPath = jsonPath;
        Problem = problem;
    }

    /// <summary>The policy file (as given).</summary>
    public string File { get; }

    /// <summary>1-based line of the offending field (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>JSON path of the offending field, e.g. <c>layers[1].prune.keep</c>.</summary>
    public string JsonPath { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
