using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Core.Hardware;
using AdmmNn.Data.Datasets;
using AdmmNn.Data.Idx;
using AdmmNn.Diagnostics;

namespace AdmmNn.Cli;

/// <summary>
/// Exceptions from the libraries that mean bad input rather than a bug, and so are shown as one line with exit code 2,
/// with the code their type stands for. Libraries that know more throw a <see cref="DiagnosticException"/> (code, file,
/// line) instead; add a library's own "bad input" exception type here otherwise.
/// </summary>
public static class UserErrors
{
    /// <summary>The diagnostic for <paramref name="ex"/> when it is a user-facing error; null for a bug.</summary>
    public static Diagnostic? Describe(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex switch
        {
            DiagnosticException d => d.Diagnostic,
            InvalidDataFileException data => Diagnostic.Error(DiagnosticCodes.Data, data.Problem, data.FilePath),
            DatasetNotFoundException or DatasetFormatException => Diagnostic.Error(DiagnosticCodes.Data, ex.Message),
            ModelFormatException or ShapeInferenceException or AdmmNn.Graph.GraphException or AdmmNn.Runtime.InvalidModelException
                or AdmmNn.Tensors.Modules.InvalidModelException or AdmmNn.Tensors.Modules.UnsupportedModelException => Diagnostic.Error(DiagnosticCodes.Model, ex.Message),
            ConstraintSettingsException => Diagnostic.Error(DiagnosticCodes.Policy, ex.Message),
            AdmmNn.Core.Compression.InvalidCheckpointException or FileNotFoundException or DirectoryNotFoundException => Diagnostic.Error(DiagnosticCodes.BadInput, ex.Message),
            _ => null,
        };
    }

    /// <summary>True when <paramref name="ex"/> is a user-facing error; <paramref name="message"/> is its one-line text.</summary>
    public static bool TryDescribe(Exception ex, out string message)
    {
        ArgumentNullException.ThrowIfNull(ex);
        message = ex.Message;
        return Describe(ex) is not null;
    }
}
