namespace AdmmNn.Diagnostics;

/// <summary>
/// Bad input, raised with its <see cref="Diagnostics.Diagnostic"/> (code, file, line) where the problem is found, so
/// no caller has to work out from the text what went wrong or where.
/// </summary>
public class DiagnosticException : Exception
{
    /// <summary>Creates the exception; the message is <paramref name="diagnostic"/>'s location and message.</summary>
    public DiagnosticException(Diagnostic diagnostic, Exception? inner = null)
        : this(diagnostic, diagnostic.Location.Length > 0 ? $"{diagnostic.Location}: {diagnostic.Message}" : diagnostic.Message, inner)
    {
    }

    /// <summary>Creates the exception with its own <paramref name="message"/>.</summary>
    protected DiagnosticException(Diagnostic diagnostic, string message, Exception? inner = null)
        : base(message, inner)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        Diagnostic = diagnostic;
    }

    /// <summary>What went wrong, where.</summary>
    public Diagnostic Diagnostic { get; }

    /// <summary>An error with <paramref name="code"/> about <paramref name="file"/>.</summary>
    public static DiagnosticException Error(string code, string message, string? file = null, int line = 0, Exception? inner = null) =>
        new(Diagnostics.Diagnostic.Error(code, message, file, line), inner);
}
