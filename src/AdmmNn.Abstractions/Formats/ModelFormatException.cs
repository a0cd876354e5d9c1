namespace AdmmNn.Abstractions.Formats;

/// <summary>
/// A model file is malformed or uses something unsupported. The message is one line that names the
/// node, op, field or offset at fault, fit to show a user without a stack trace.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}
