namespace AdmmNn.Abstractions.Constraints;

/// <summary>A constraint's settings are invalid; <see cref="Field"/> names the policy field at fault.</summary>
public sealed class ConstraintSettingsException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The settings field at fault, e.g. <c>keep</c> or <c>block.rows</c>.</param>
    /// <param name="message">What is wrong and what is allowed.</param>
    public ConstraintSettingsException(string field, string message) : base($"{field}: {message}") => Field = field;

    /// <summary>The settings field at fault.</summary>
    public string Field { get; }
}
