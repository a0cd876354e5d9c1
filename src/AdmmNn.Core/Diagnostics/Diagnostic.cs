using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdmmNn.Diagnostics;

/// <summary>
/// A problem the user can act on, typed where it arises: an ADMMNN code (<see cref="DiagnosticCodes"/>), the file and
/// 1-based line and column it points at (0 when unknown), and a one-line message that does not repeat the location.
/// </summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Code">An ADMMNN code, e.g. <c>ADMMNN011</c>.</param>
/// <param name="Message">What is wrong, one line.</param>
/// <param name="File">The file at fault, or null.</param>
/// <param name="Line">1-based line in <paramref name="File"/>, 0 when unknown.</param>
/// <param name="Column">1-based column, 0 when unknown.</param>
public sealed record Diagnostic(DiagnosticSeverity Severity, string Code, string Message, string? File = null, int Line = 0, int Column = 0)
{
    private static readonly JsonSerializerOptions LineOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>An error.</summary>
    public static Diagnostic Error(string code, string message, string? file = null, int line = 0, int column = 0) =>
        new(DiagnosticSeverity.Error, code, message, file, line, column);

    /// <summary>A warning.</summary>
    public static Diagnostic Warning(string code, string message, string? file = null, int line = 0, int column = 0) =>
        new(DiagnosticSeverity.Warning, code, message, file, line, column);

    /// <summary>The location as people read it: <c>file:line</c>, <c>file</c>, or empty.</summary>
    [JsonIgnore]
    public string Location => File is null ? "" : Line > 0 ? $"{File}:{Line.ToString(CultureInfo.InvariantCulture)}" : File;

    /// <summary>
    /// One line for MSBuild (<see cref="DiagnosticCodes.LinePrefix"/> + JSON): the task logs it with its code and
    /// location as they are, without reading meaning into text.
    /// </summary>
    public string ToJsonLine() => DiagnosticCodes.LinePrefix + JsonSerializer.Serialize(this, LineOptions);

    /// <summary>The console form: <c>error: file:line: message</c>.</summary>
    public override string ToString() =>
        $"{(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {(Location.Length > 0 ? Location + ": " : "")}{Message}";
}
