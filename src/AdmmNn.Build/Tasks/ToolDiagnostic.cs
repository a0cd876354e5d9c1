using System.IO;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;
using AdmmNn.Diagnostics;

namespace AdmmNn.Build.Tasks;

/// <summary>
/// One diagnostic the tool wrote under MSBuild (<see cref="DiagnosticCodes.LinePrefix"/> + JSON): severity, code, file,
/// line, column and message as the tool typed them where the problem arose. The task logs them as they are.
/// </summary>
[DataContract]
internal sealed class ToolDiagnostic
{
    private static readonly DataContractJsonSerializer Serializer = new(typeof(ToolDiagnostic));

    /// <summary><c>error</c> or <c>warning</c>.</summary>
    [DataMember(Name = "severity")]
    public string Severity { get; set; } = "error";

    /// <summary>The ADMMNN code.</summary>
    [DataMember(Name = "code")]
    public string Code { get; set; } = DiagnosticCodes.ToolFailed;

    /// <summary>The message, without the location.</summary>
    [DataMember(Name = "message")]
    public string Message { get; set; } = "";

    /// <summary>The file it points at, or null.</summary>
    [DataMember(Name = "file")]
    public string? File { get; set; }

    /// <summary>1-based line, 0 when unknown.</summary>
    [DataMember(Name = "line")]
    public int Line { get; set; }

    /// <summary>1-based column, 0 when unknown.</summary>
    [DataMember(Name = "column")]
    public int Column { get; set; }

    /// <summary>True for warnings.</summary>
    public bool IsWarning => Severity == "warning";

    /// <summary>Reads a diagnostic line; null for any other line (progress, tables), which the task logs as a message.</summary>
    public static ToolDiagnostic? TryRead(string line)
    {
        if (line == null || !line.StartsWith(DiagnosticCodes.LinePrefix, System.StringComparison.Ordinal)) return null;
        try
        {
            using var json = new MemoryStream(Encoding.UTF8.GetBytes(line.Substring(DiagnosticCodes.LinePrefix.Length)));
            return Serializer.ReadObject(json) as ToolDiagnostic;
        }
        catch (SerializationException)
        {
            return null;
        }
    }
}
