namespace AdmmNn.Diagnostics;

/// <summary>How serious a <see cref="Diagnostic"/> is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The run goes on; the user should know.</summary>
    Warning,

    /// <summary>The run stops (or fails a gate).</summary>
    Error,
}
