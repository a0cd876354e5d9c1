using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Abstractions.Formats;

namespace AdmmNn.Cli;

/// <summary>
/// Exceptions from the libraries that mean bad input rather than a bug, and so are shown as one line with exit code 2.
/// Add a library's own "bad input" exception type here.
/// </summary>
public static class UserErrors
{
    /// <summary>True when <paramref name="ex"/> is a user-facing error; <paramref name="message"/> is its one-line text.</summary>
    public static bool TryDescribe(Exception ex, out string message)
    {
        message = ex.Message;
        return ex is ModelFormatException or ConstraintSettingsException or DatasetFormatException or FileNotFoundException or DirectoryNotFoundException
            || ex.GetType().Name is "InvalidDataFileException" or "InvalidModelException" or "PolicyException" or "UnsupportedModelException"
                or "ShapeInferenceException";
    }
}
