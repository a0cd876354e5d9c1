namespace AdmmNn.Build.Tasks;

/// <summary>One line of the tool's output, classified: an error or warning (with code and location when known) or a message.</summary>
internal sealed class ToolDiagnostic
{
    /// <summary>Creates a classified line.</summary>
    public ToolDiagnostic(ToolLineKind kind, string? code, string? file, int line, int column, string text)
    {
        Kind = kind;
        Code = code;
        File = file;
        Line = line;
        Column = column;
        Text = text;
    }

    /// <summary>Error, warning or plain message.</summary>
    public ToolLineKind Kind { get; }

    /// <summary>The ADMMNN code, or null for messages.</summary>
    public string? Code { get; }

    /// <summary>The file the diagnostic points at, or null.</summary>
    public string? File { get; }

    /// <summary>1-based line, 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column, 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>The message text.</summary>
    public string Text { get; }
}
